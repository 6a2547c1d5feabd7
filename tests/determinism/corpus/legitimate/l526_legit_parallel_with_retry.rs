//! category: legit-parallel
//! input: {"order_id": "o-77", "customer": "zoe", "amount_cents": 5400}
//! summary: order completion runs named Branch-es in ctx.parallel (fraud check, loyalty points) and a with_retry block for the ERP sync; all names and durations are fixed
use durable_runtime::prelude::*;
use durable_runtime::Branch;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompletedOrder {
    pub order_id: String,
    pub customer: String,
    pub amount_cents: u64,
}

#[durable_workflow]
pub async fn hx_legit_complete_order(ctx: DurableContext, order: CompletedOrder) -> Result<String, DurableError> {
    let (c1, amount) = (order.customer.clone(), order.amount_cents);
    let branches = vec![
        Branch::named("fraud-check", move |b: DurableContext| async move {
            b.step("score", move |_| async move { Ok::<_, String>(u64::from(amount > 100_000)) }).await
        }),
        Branch::named("loyalty-points", move |b: DurableContext| async move {
            b.step("credit-points", move |_| async move { Ok::<_, String>(amount / 100 + c1.len() as u64) }).await
        }),
    ];
    let results = ctx.parallel("post-order", branches).await?;
    results.throw_if_error()?;
    let points = results.results().get(1).map(|p| **p).unwrap_or(0);

    let order_id = order.order_id.clone();
    let synced: String = ctx
        .with_retry("erp-sync", RetryPresets::default_policy(), move |attempt_ctx: DurableContext, attempt| {
            let order_id = order_id.clone();
            async move {
                attempt_ctx
                    .step("push-to-erp", move |_| async move { Ok::<_, String>(format!("{order_id}#{attempt}")) })
                    .await
            }
        })
        .await?;
    Ok(format!("{synced} points={points}"))
}

fn main() {}
