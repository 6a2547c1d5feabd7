//! category: logging
//! input: {"order_id": 991, "customer": "grace", "total_cents": 12000}
//! summary: logs input values with ctx.logger(), format! and tracing macros (no clock or environment in them)
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Order {
    pub order_id: u64,
    pub customer: String,
    pub total_cents: u64,
}

#[durable_workflow]
pub async fn legit_logged_order(ctx: DurableContext, o: Order) -> Result<u64, DurableError> {
    let log = ctx.logger();
    log.info(format!("order {} for {}", o.order_id, o.customer));
    tracing::info!(order_id = o.order_id, customer = %o.customer, "processing order");
    let total = o.total_cents;
    let charged: u64 = ctx.step("charge", move |_| async move { Ok::<_, String>(total) }).await?;
    if charged > 10_000 {
        log.warn(format!("large order {}: {charged} cents", o.order_id));
        tracing::warn!(charged, "large order");
    }
    println!("order {} done", o.order_id);
    Ok(charged)
}

fn main() {}
