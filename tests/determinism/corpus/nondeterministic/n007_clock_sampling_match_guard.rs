//! category: clock
//! replay: diverges
//! input: {"events": ["signup", "login", "purchase", "login", "logout", "purchase", "signup", "refund"]}
//! summary: samples events for auditing with a match guard on SystemTime::now().subsec_nanos(), so which audit steps exist varies
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct EventBatch {
    pub events: Vec<String>,
}

#[durable_workflow]
pub async fn clock_sampled_audit(ctx: DurableContext, batch: EventBatch) -> Result<usize, DurableError> {
    let mut audited = 0;
    for (i, event) in batch.events.into_iter().enumerate() {
        match event.as_str() {
            "refund" | "purchase" => {
                ctx.step(format!("audit-{i}-{event}"), |_| async { Ok::<_, String>(()) })
                    .await?;
                audited += 1;
            }
            _ if std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos() % 10 < 3)
                .unwrap_or(false) =>
            {
                ctx.step(format!("sample-{i}-{event}"), |_| async { Ok::<_, String>(()) })
                    .await?;
                audited += 1;
            }
            _ => {}
        }
    }
    Ok(audited)
}

fn main() {}
