//! category: fs
//! replay: diverges
//! input: {"database": "orders-db", "retain_days": 14}
//! summary: backup workflow touches a marker file with std::fs::write in the body and names the snapshot after the marker's metadata().modified() time in nanoseconds
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::fs;
use std::time::UNIX_EPOCH;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupRequest {
    pub database: String,
    pub retain_days: u32,
}

fn snapshot_tag(database: &str) -> String {
    let marker = std::env::temp_dir().join(format!("hx_durable_corpus_{database}.last_backup"));
    let _ = fs::write(&marker, database);
    fs::metadata(&marker)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos().to_string())
        .unwrap_or_else(|| "unknown".into())
}

#[durable_workflow]
pub async fn hx_nightly_backup(ctx: DurableContext, req: BackupRequest) -> Result<String, DurableError> {
    let db = req.database.clone();
    ctx.step("flush-wal", move |_| async move { Ok::<_, String>(db) }).await?;

    let tag = snapshot_tag(&req.database);
    let snapshot = format!("{}-{tag}", req.database);
    let name = snapshot.clone();
    ctx.step(format!("create-snapshot-{snapshot}"), move |_| async move { Ok::<_, String>(name) })
        .await?;
    let days = req.retain_days;
    ctx.step("expire-old-snapshots", move |_| async move { Ok::<_, String>(days) }).await?;
    Ok(snapshot)
}

fn main() {}
