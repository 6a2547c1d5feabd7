//! category: combinators
//! input: {"po": "PO-7", "supplier": "acme"}
//! callback: supplier-confirmation = "2026-12-24"
//! summary: waits for a supplier's callback against a durable timeout with `tokio::select! { biased; .. }`
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct PurchaseOrder {
    pub po: String,
    pub supplier: String,
}

#[durable_workflow]
pub async fn legit_confirm_po(ctx: DurableContext, p: PurchaseOrder) -> Result<String, DurableError> {
    let confirmation = ctx.wait_for_callback("supplier-confirmation", |_, _| async { Ok::<_, String>(()) });
    let timeout = ctx.wait("confirmation-timeout", Duration::from_secs(3 * 24 * 3600));
    tokio::select! {
        biased;
        date = confirmation => {
            let date: String = date?;
            Ok(format!("{} ships {date}", p.po))
        }
        expired = timeout => {
            expired?;
            Ok(format!("{}: {} did not confirm", p.po, p.supplier))
        }
    }
}

fn main() {}
