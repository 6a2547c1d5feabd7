//! category: hashmap-iteration
//! replay: same
//! input: {"invoice": 88, "lines": {"hosting": 1200, "support": 300, "domains": 45, "backups": 80, "egress": 15}}
//! summary: sums HashMap::values() in the body; the sum does not depend on the iteration order
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct InvoiceLines {
    pub invoice: u64,
    pub lines: HashMap<String, u64>,
}

#[durable_workflow]
pub async fn hashmap_invoice_total(ctx: DurableContext, inv: InvoiceLines) -> Result<u64, DurableError> {
    let total: u64 = inv.lines.values().sum();
    let id = inv.invoice;
    ctx.step("post-invoice", move |_| async move { Ok::<_, String>(format!("{id}:{total}")) })
        .await?;
    Ok(total)
}

fn main() {}
