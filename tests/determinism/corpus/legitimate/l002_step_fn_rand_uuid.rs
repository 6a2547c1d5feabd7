//! category: step-fn
//! input: {"customer": "ada", "amount_cents": 2500}
//! summary: a #[step] fn makes the idempotency key with Uuid::new_v4() and a jittered attempt id with rand; the workflow only runs it
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Payment {
    pub customer: String,
    pub amount_cents: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Receipt {
    pub key: String,
    pub attempt_tag: u32,
    pub amount_cents: u64,
}

#[step(name = "authorize-payment", retry = "none")]
async fn authorize(customer: String, amount_cents: u64) -> Result<Receipt, String> {
    let key = format!("{customer}-{}", uuid::Uuid::new_v4());
    Ok(Receipt {
        key,
        attempt_tag: rand::random::<u32>() % 1000,
        amount_cents,
    })
}

#[durable_workflow]
pub async fn legit_authorize_payment(ctx: DurableContext, p: Payment) -> Result<Receipt, DurableError> {
    let receipt = ctx.run(authorize(p.customer.clone(), p.amount_cents)).await?;
    ctx.wait("settlement-window", Duration::from_secs(3600)).await?;
    Ok(receipt)
}

fn main() {}
