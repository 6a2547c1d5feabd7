//! category: ids
//! replay: diverges
//! input: {"order_id": 55, "amount_cents": 4999}
//! summary: creates the refund's idempotency key with uuid::Uuid::new_v4() (full path) in the body and sends it through ctx.invoke
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct RefundOrder {
    pub order_id: u64,
    pub amount_cents: u64,
}

#[derive(Debug, Serialize)]
pub struct RefundCall {
    pub order_id: u64,
    pub amount_cents: u64,
    pub idempotency_key: String,
}

#[durable_workflow]
pub async fn ids_refund_order(ctx: DurableContext, o: RefundOrder) -> Result<String, DurableError> {
    let call = RefundCall {
        order_id: o.order_id,
        amount_cents: o.amount_cents,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
    };
    let refunded: Result<serde_json::Value, DurableError> = ctx.invoke("refund", "payments-refund", call).await;
    match refunded {
        Ok(v) => Ok(v.to_string()),
        Err(e) if e.is_fatal() => Err(e),
        Err(_) => Ok("queued for manual refund".into()),
    }
}

fn main() {}
