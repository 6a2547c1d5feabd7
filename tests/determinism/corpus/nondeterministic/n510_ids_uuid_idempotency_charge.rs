//! category: ids
//! replay: diverges
//! input: {"subscription_id": "sub-311", "amount_cents": 4900, "currency": "EUR"}
//! summary: subscription renewal mints its payment idempotency key with uuid::Uuid::new_v4() in the body and names the charge and receipt steps after it
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Renewal {
    pub subscription_id: String,
    pub amount_cents: u64,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenewalResult {
    pub charge_id: String,
    pub next_period_days: u32,
}

#[step(name = "load-payment-method")]
async fn load_payment_method(subscription_id: String) -> Result<String, String> {
    Ok(format!("pm-{subscription_id}"))
}

#[durable_workflow]
pub async fn hx_renew_subscription(ctx: DurableContext, renewal: Renewal) -> Result<RenewalResult, DurableError> {
    let method = ctx.run(load_payment_method(renewal.subscription_id.clone())).await?;
    let idempotency_key = Uuid::new_v4();

    let (amount, currency) = (renewal.amount_cents, renewal.currency.clone());
    let charge_id: String = ctx
        .step(format!("charge-{idempotency_key}"), move |_| async move {
            Ok::<_, String>(format!("ch_{method}_{amount}{currency}"))
        })
        .retry(RetryPresets::none())
        .await?;
    let receipt_for = charge_id.clone();
    ctx.step(format!("email-receipt-{idempotency_key}"), move |_| async move {
        Ok::<_, String>(format!("receipt for {receipt_for}"))
    })
    .await?;
    Ok(RenewalResult {
        charge_id,
        next_period_days: 30,
    })
}

fn main() {}
