//! category: fs
//! replay: same
//! input: {"report": "weekly-kpis", "lines": ["visits,1200", "signups,80", "churn,3"]}
//! summary: stages the report with std::fs::write, reads its size back with std::fs::metadata(..).len() and puts it in a step name; the size is the same every run
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Kpis {
    pub report: String,
    pub lines: Vec<String>,
}

#[durable_workflow]
pub async fn fs_publish_kpis(ctx: DurableContext, k: Kpis) -> Result<u64, DurableError> {
    let path = std::env::temp_dir().join(format!("durable-determinism-n049-{}.csv", k.report));
    std::fs::write(&path, k.lines.join("\n"))
        .map_err(|e| DurableError::failure("StageError", e.to_string()))?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let report = k.report.clone();
    ctx.step(format!("upload-{report}-{size}b"), move |_| async move { Ok::<_, String>(report) })
        .await?;
    Ok(size)
}

fn main() {}
