//! category: sleeping
//! replay: same
//! input: {"emails": ["a@example.invalid", "b@example.invalid", "c@example.invalid", "d@example.invalid"]}
//! summary: rate-limits a mailing loop with a bare imported `sleep(..).await` (use tokio::time::sleep); the operations are the same every run
use durable_runtime::prelude::*;
use serde::Deserialize;
use tokio::time::sleep;

#[derive(Debug, Clone, Deserialize)]
pub struct Mailing {
    pub emails: Vec<String>,
}

#[durable_workflow]
pub async fn sleep_send_newsletter(ctx: DurableContext, m: Mailing) -> Result<usize, DurableError> {
    for (i, email) in m.emails.iter().enumerate() {
        let to = email.clone();
        ctx.step(format!("send-{i}"), move |_| async move { Ok::<_, String>(to) }).await?;
        sleep(std::time::Duration::from_millis(3)).await;
    }
    Ok(m.emails.len())
}

fn main() {}
