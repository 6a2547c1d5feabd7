//! category: randomness
//! replay: diverges
//! input: {"payment_id": "p-77", "max_attempts": 3}
//! summary: retries a payment with backoff waits whose lengths come from thread_rng().gen_range(..) (the rand 0.8 spelling)
use durable_runtime::prelude::*;
use rand::{thread_rng, Rng};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentRetry {
    pub payment_id: String,
    pub max_attempts: u32,
}

#[durable_workflow]
pub async fn rand_payment_backoff(ctx: DurableContext, p: PaymentRetry) -> Result<u32, DurableError> {
    let mut attempt = 1;
    loop {
        let ok: bool = ctx
            .step(format!("capture-{attempt}"), move |_| async move { Ok::<_, String>(attempt >= 3) })
            .await?;
        if ok || attempt >= p.max_attempts {
            return Ok(attempt);
        }
        let backoff_secs: u64 = thread_rng().gen_range(5..=60);
        ctx.wait(format!("backoff-{attempt}"), Duration::from_secs(backoff_secs))
            .await?;
        attempt += 1;
    }
}

fn main() {}
