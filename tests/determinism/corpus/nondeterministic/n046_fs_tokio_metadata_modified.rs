//! category: fs
//! replay: diverges
//! input: {"export": "customers", "rows": 1200}
//! summary: writes a staging file with tokio::fs::write and puts its modification time (tokio::fs::metadata(..).modified()) in the result
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::UNIX_EPOCH;

#[derive(Debug, Clone, Deserialize)]
pub struct Export {
    pub export: String,
    pub rows: u32,
}

#[derive(Debug, Serialize)]
pub struct Staged {
    pub file: String,
    pub staged_at_ns: u128,
    pub rows: u32,
}

#[durable_workflow]
pub async fn fs_stage_export(ctx: DurableContext, e: Export) -> Result<Staged, DurableError> {
    let rows = e.rows;
    let rows: u32 = ctx.step("count-rows", move |_| async move { Ok::<_, String>(rows) }).await?;
    let path = std::env::temp_dir().join(format!("durable-determinism-n046-{}.csv", e.export));
    let io = |err: std::io::Error| DurableError::failure("StagingError", err.to_string());
    tokio::fs::write(&path, format!("rows={rows}\n")).await.map_err(io)?;
    let modified = tokio::fs::metadata(&path).await.map_err(io)?.modified().map_err(io)?;
    Ok(Staged {
        file: path.display().to_string(),
        staged_at_ns: modified.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos(),
        rows,
    })
}

fn main() {}
