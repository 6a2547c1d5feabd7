//! category: deterministic-api
//! input: {"order_id": 55, "amount_cents": 4999}
//! summary: the refund's idempotency key comes from ctx.uuid() (recorded once) and goes into the ctx.invoke payload
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
pub async fn legit_refund_with_ctx_uuid(ctx: DurableContext, o: RefundOrder) -> Result<String, DurableError> {
    let call = RefundCall {
        order_id: o.order_id,
        amount_cents: o.amount_cents,
        idempotency_key: ctx.uuid().await?,
    };
    match ctx.invoke::<_, serde_json::Value>("refund", "payments-refund", call).await {
        Ok(v) => Ok(v.to_string()),
        Err(e) if e.is_fatal() => Err(e),
        Err(_) => Ok("queued for manual refund".into()),
    }
}

fn main() {}
