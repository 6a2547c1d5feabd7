//! category: legit-ctx-uuid
//! input: {"subscription_id": "sub-311", "amount_cents": 4900, "currency": "EUR"}
//! summary: subscription renewal takes its idempotency key from ctx.uuid() (recorded once) and hands it only to step bodies (charge, receipt)
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Renewal {
    pub subscription_id: String,
    pub amount_cents: u64,
    pub currency: String,
}

#[durable_workflow]
pub async fn hx_legit_renew_with_ctx_uuid(ctx: DurableContext, renewal: Renewal) -> Result<String, DurableError> {
    let idempotency_key = ctx.uuid().await?;
    let (sub, amount, currency, key) = (
        renewal.subscription_id.clone(),
        renewal.amount_cents,
        renewal.currency.clone(),
        idempotency_key.clone(),
    );
    let charge_id: String = ctx
        .step("charge", move |_| async move { Ok::<_, String>(format!("ch_{sub}_{amount}{currency}_{}", &key[..8])) })
        .retry(RetryPresets::none())
        .await?;
    ctx.wait("receipt-delay", Duration::from_secs(300)).await?;
    let receipt_for = charge_id.clone();
    ctx.step("email-receipt", move |_| async move { Ok::<_, String>(format!("{receipt_for} / {idempotency_key}")) })
        .await?;
    Ok(format!("{} renewed", renewal.subscription_id))
}

fn main() {}
