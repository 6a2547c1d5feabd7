//! category: clock
//! replay: diverges
//! input: {"endpoint": "partner-api", "payload": "batch-3"}
//! summary: inside a ctx.with_retry block (workflow code, re-run on replay) tags each attempt's step with Instant-based elapsed nanoseconds since the block was built
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::time::Instant;

#[derive(Debug, Clone, Deserialize)]
pub struct Push {
    pub endpoint: String,
    pub payload: String,
}

#[durable_workflow]
pub async fn clock_push_with_retry(ctx: DurableContext, p: Push) -> Result<String, DurableError> {
    let built = Instant::now();
    let payload = p.payload.clone();
    let strategy = RetryPolicy::exponential().max_attempts(3).initial_delay(Duration::from_secs(2));
    ctx.with_retry(format!("push-{}", p.endpoint), strategy, move |attempt_ctx, attempt| {
        let payload = payload.clone();
        let tag = built.elapsed().as_nanos();
        async move {
            attempt_ctx
                .step(format!("send-attempt-{attempt}-t{tag}"), move |_| async move { Ok::<_, String>(payload) })
                .await
        }
    })
    .await
}

fn main() {}
