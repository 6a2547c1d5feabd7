//! category: clock
//! replay: diverges
//! input: {"invoice_id": 9001, "amount_cents": 12500}
//! summary: uses time::OffsetDateTime::now_utc().unix_timestamp_nanos() as the idempotency key of a charge invoked from the body
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Deserialize)]
pub struct Invoice {
    pub invoice_id: u64,
    pub amount_cents: u64,
}

#[derive(Debug, Serialize)]
pub struct ChargeRequest {
    pub invoice_id: u64,
    pub amount_cents: u64,
    pub idempotency_key: String,
}

#[durable_workflow]
pub async fn clock_charge_invoice(ctx: DurableContext, invoice: Invoice) -> Result<bool, DurableError> {
    let key = format!("inv-{}-{}", invoice.invoice_id, OffsetDateTime::now_utc().unix_timestamp_nanos());
    let charge = ChargeRequest {
        invoice_id: invoice.invoice_id,
        amount_cents: invoice.amount_cents,
        idempotency_key: key,
    };
    match ctx.invoke::<_, serde_json::Value>("charge", "payments-charge", charge).await {
        Ok(_) => Ok(true),
        Err(e) if e.is_fatal() => Err(e),
        Err(_) => {
            ctx.step("flag-for-manual-charge", |_| async { Ok::<_, String>(()) })
                .await?;
            Ok(false)
        }
    }
}

fn main() {}
