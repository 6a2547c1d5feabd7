//! category: process
//! replay: diverges
//! input: {"report": "monthly", "format": "pdf"}
//! summary: spawns a renderer with std::process::Command::spawn(), waits for it, and names the upload step after `child.id()`
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::process::{Command, Stdio};

#[derive(Debug, Clone, Deserialize)]
pub struct Render {
    pub report: String,
    pub format: String,
}

#[durable_workflow]
pub async fn process_render_report(ctx: DurableContext, r: Render) -> Result<u32, DurableError> {
    let mut child = Command::new("true")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| DurableError::failure("SpawnError", e.to_string()))?;
    let worker = child.id();
    let _ = child.wait();
    let fmt = r.format.clone();
    ctx.step(format!("upload-{}-{worker}", r.report), move |_| async move { Ok::<_, String>(fmt) })
        .await?;
    Ok(worker)
}

fn main() {}
