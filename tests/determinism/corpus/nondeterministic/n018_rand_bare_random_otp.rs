//! category: randomness
//! replay: diverges
//! input: {"phone": "+15550100", "purpose": "login"}
//! callback: otp-entered = "123456"
//! summary: makes a one-time code with a bare imported random::<u32>() and passes it to the SMS function through ctx.invoke
use durable_runtime::prelude::*;
use rand::random;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct OtpRequest {
    pub phone: String,
    pub purpose: String,
}

#[derive(Debug, Serialize)]
pub struct Sms {
    pub to: String,
    pub body: String,
}

#[durable_workflow]
pub async fn rand_send_otp(ctx: DurableContext, req: OtpRequest) -> Result<String, DurableError> {
    let code = format!("{:06}", random::<u32>() % 1_000_000);
    let sms = Sms {
        to: req.phone.clone(),
        body: format!("Your {} code is {code}", req.purpose),
    };
    let _ = ctx.invoke::<_, serde_json::Value>("send-sms", "sms-gateway", sms).await;
    let answer: String = ctx
        .wait_for_callback("otp-entered", |_, _| async { Ok::<_, String>(()) })
        .timeout(Duration::from_secs(300))
        .await?;
    Ok(if answer == code { "verified".into() } else { "rejected".into() })
}

fn main() {}
