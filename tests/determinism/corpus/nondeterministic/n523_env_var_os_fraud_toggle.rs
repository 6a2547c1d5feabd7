//! category: env
//! replay: same
//! input: {"payment_id": "pay-7781", "amount_cents": 250000, "country": "BR"}
//! summary: payment screening decides whether to run the fraud-review callback from std::env::var_os("HX_SKIP_FRAUD_REVIEW") read in the body (stable within one process)
//! callback: fraud-review = {"cleared": true}
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::env;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payment {
    pub payment_id: String,
    pub amount_cents: u64,
    pub country: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Review {
    pub cleared: bool,
}

#[durable_workflow]
pub async fn hx_screen_large_payment(ctx: DurableContext, payment: Payment) -> Result<String, DurableError> {
    let (amount, country) = (payment.amount_cents, payment.country.clone());
    let risk: u32 = ctx
        .step("score-risk", move |_| async move {
            Ok::<_, String>(if amount > 100_000 && country != "US" { 80 } else { 10 })
        })
        .await?;

    let review_disabled = env::var_os("HX_SKIP_FRAUD_REVIEW").is_some();
    if risk > 50 && !review_disabled {
        let id = payment.payment_id.clone();
        let review: Review = ctx
            .wait_for_callback("fraud-review", move |callback_id, s| async move {
                s.logger.info(format!("review {id} via {callback_id}"));
                Ok::<_, DurableError>(())
            })
            .timeout(Duration::from_secs(4 * 3600))
            .await?;
        if !review.cleared {
            return Ok("blocked".into());
        }
    }
    let id = payment.payment_id.clone();
    ctx.step("settle", move |_| async move { Ok::<_, String>(id) }).await?;
    Ok("settled".into())
}

fn main() {}
