//! category: process
//! replay: diverges
//! input: {"snapshot": "db-main"}
//! summary: names the snapshot step after the output of `std::process::Command::new("date").arg("+%s%N").output()`
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::process::Command;

#[derive(Debug, Clone, Deserialize)]
pub struct Snapshot {
    pub snapshot: String,
}

#[durable_workflow]
pub async fn process_snapshot_db(ctx: DurableContext, s: Snapshot) -> Result<String, DurableError> {
    let stamp = Command::new("date")
        .arg("+%s%N")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());
    let name = format!("{}-{stamp}", s.snapshot);
    let n = name.clone();
    ctx.step(format!("snapshot-{name}"), move |_| async move { Ok::<_, String>(n) }).await?;
    Ok(name)
}

fn main() {}
