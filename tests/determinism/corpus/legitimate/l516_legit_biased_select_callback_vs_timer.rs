//! category: legit-biased-select
//! input: {"po_number": "PO-7781", "vendor": "steelco", "escalate_after_hours": 48}
//! callback: vendor-confirmation = {"accepted": true, "ship_date": "2024-07-02"}
//! summary: purchase order races the vendor's callback against a durable escalation wait with tokio::select! { biased; .. }, so the callback branch is always checked first
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::future::IntoFuture;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PurchaseOrder {
    pub po_number: String,
    pub vendor: String,
    pub escalate_after_hours: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Confirmation {
    pub accepted: bool,
    pub ship_date: String,
}

#[durable_workflow]
pub async fn hx_legit_po_confirmation(ctx: DurableContext, po: PurchaseOrder) -> Result<String, DurableError> {
    let callback = ctx
        .create_callback::<Confirmation>("vendor-confirmation")
        .timeout(Duration::from_secs(14 * 24 * 3600))
        .await?;
    let (vendor, id) = (po.vendor.clone(), callback.id().to_owned());
    ctx.step("email-vendor", move |_| async move { Ok::<_, String>(format!("{vendor} answers {id}")) })
        .await?;

    let escalation = ctx.wait("escalation-timer", Duration::from_secs(po.escalate_after_hours * 3600));
    let confirmation = tokio::select! {
        biased;
        answer = callback.result() => Some(answer?),
        waited = escalation.into_future() => {
            waited?;
            None
        }
    };
    match confirmation {
        Some(c) if c.accepted => Ok(format!("{} ships {}", po.po_number, c.ship_date)),
        Some(_) => Ok(format!("{} declined", po.po_number)),
        None => {
            let po_number = po.po_number.clone();
            ctx.step("escalate-to-buyer", move |_| async move { Ok::<_, String>(po_number) }).await?;
            Ok("escalated".into())
        }
    }
}

fn main() {}
