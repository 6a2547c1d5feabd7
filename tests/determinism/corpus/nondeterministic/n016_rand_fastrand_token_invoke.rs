//! category: randomness
//! replay: diverges
//! input: {"email": "ada@example.invalid"}
//! summary: generates an email-verification token with fastrand::alphanumeric in an iterator and sends it through ctx.invoke
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Signup {
    pub email: String,
}

#[derive(Debug, Serialize)]
pub struct VerificationMail {
    pub to: String,
    pub token: String,
}

#[durable_workflow]
pub async fn rand_send_verification(ctx: DurableContext, s: Signup) -> Result<bool, DurableError> {
    let token: String = std::iter::repeat_with(fastrand::alphanumeric).take(24).collect();
    let mail = VerificationMail {
        to: s.email.clone(),
        token,
    };
    let sent: Result<bool, DurableError> = ctx.invoke("send-verification", "mailer", mail).await;
    match sent {
        Err(e) if e.is_fatal() => Err(e),
        other => Ok(other.unwrap_or(false)),
    }
}

fn main() {}
