//! category: trait-method
//! replay: diverges
//! input: {"store": "berlin-2", "total_cents": 4599}
//! summary: `impl Display for Receipt` prints a chrono::Utc::now() timestamp; `receipt.to_string()` names the archive step
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Clone, Deserialize)]
pub struct Receipt {
    pub store: String,
    pub total_cents: u64,
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "receipt-{}-{}-{}",
            self.store,
            self.total_cents,
            chrono::Utc::now().format("%H%M%S%.9f")
        )
    }
}

#[durable_workflow]
pub async fn trait_archive_receipt(ctx: DurableContext, r: Receipt) -> Result<String, DurableError> {
    let name = r.to_string();
    let total = r.total_cents;
    ctx.step(name.clone(), move |_| async move { Ok::<_, String>(total) }).await?;
    Ok(name)
}

fn main() {}
