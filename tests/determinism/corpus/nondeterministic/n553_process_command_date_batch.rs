//! category: process
//! replay: diverges
//! input: {"feed": "supplier-prices", "rows": 1200}
//! summary: price-feed import stamps its batch by running the `date +%s%N` command with std::process::Command in the body; the stamp names the staging step and is returned
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::process::Command;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeedImport {
    pub feed: String,
    pub rows: u32,
}

fn batch_stamp() -> String {
    Command::new("date")
        .arg("+%s%N")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "0".into())
}

#[durable_workflow]
pub async fn hx_import_price_feed(ctx: DurableContext, import: FeedImport) -> Result<String, DurableError> {
    let feed = import.feed.clone();
    ctx.step("download-feed", move |_| async move { Ok::<_, String>(feed) }).await?;
    let batch = format!("{}-{}", import.feed, batch_stamp());
    let rows = import.rows;
    ctx.step(format!("stage-{batch}"), move |_| async move { Ok::<_, String>(rows) }).await?;
    ctx.step("swap-live-table", |_| async move { Ok::<_, String>(true) }).await?;
    Ok(batch)
}

fn main() {}
