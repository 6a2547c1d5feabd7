//! category: retry
//! input: {"endpoint": "partner-api", "payload": "batch-3"}
//! summary: ctx.with_retry around a block of steps; the flaky call (reading the clock, using rand) happens inside a step
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Push {
    pub endpoint: String,
    pub payload: String,
}

#[durable_workflow]
pub async fn legit_push_with_retry(ctx: DurableContext, p: Push) -> Result<String, DurableError> {
    let payload = p.payload.clone();
    let strategy = RetryPolicy::exponential().max_attempts(4).initial_delay(Duration::from_secs(2));
    ctx.with_retry(format!("push-{}", p.endpoint), strategy, move |attempt_ctx, attempt| {
        let payload = payload.clone();
        async move {
            let sent: bool = attempt_ctx
                .step(format!("send-{attempt}"), move |_| async move {
                    let _nonce: u64 = rand::random();
                    Ok::<_, String>(attempt >= 2)
                })
                .await?;
            if !sent {
                return Err(DurableError::failure("PartnerBusy", format!("attempt {attempt} rejected")));
            }
            Ok(format!("{payload} accepted on attempt {attempt}"))
        }
    })
    .await
}

fn main() {}
