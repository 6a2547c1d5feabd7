//! category: process
//! replay: diverges
//! input: {"script": "cleanup", "dirs": ["tmp", "cache"]}
//! summary: runs a cleanup shell script with Command::new("sh").args(["-c", ..]) and names the audit step after the pid the script echoes ($$)
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Cleanup {
    pub script: String,
    pub dirs: Vec<String>,
}

#[durable_workflow]
pub async fn process_run_cleanup(ctx: DurableContext, c: Cleanup) -> Result<String, DurableError> {
    let output = std::process::Command::new("sh")
        .args(["-c", "echo $$"])
        .output()
        .map_err(|e| DurableError::failure("SpawnError", e.to_string()))?;
    let pid = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let dirs = c.dirs.len();
    ctx.step(format!("audit-{}-by-{pid}", c.script), move |_| async move { Ok::<_, String>(dirs) })
        .await?;
    Ok(pid)
}

fn main() {}
