//! category: fs
//! replay: diverges
//! input: {"actor": "ops-bot", "action": "rotate-keys"}
//! summary: appends to a local audit log with OpenOptions and names the step after the line count read back with std::fs::read_to_string; the file grows every run
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::fs::{self, OpenOptions};
use std::io::Write;

#[derive(Debug, Clone, Deserialize)]
pub struct Audited {
    pub actor: String,
    pub action: String,
}

fn to_failure(e: std::io::Error) -> DurableError {
    DurableError::failure("AuditLogError", e.to_string())
}

#[durable_workflow]
pub async fn fs_audited_action(ctx: DurableContext, a: Audited) -> Result<usize, DurableError> {
    let log = std::env::temp_dir().join("durable-determinism-n045-audit.log");
    let mut file = OpenOptions::new().create(true).append(true).open(&log).map_err(to_failure)?;
    writeln!(file, "{} {}", a.actor, a.action).map_err(to_failure)?;
    let entry = fs::read_to_string(&log).map_err(to_failure)?.lines().count();
    let action = a.action.clone();
    ctx.step(format!("perform-{action}-entry-{entry}"), move |_| async move { Ok::<_, String>(action) })
        .await?;
    Ok(entry)
}

fn main() {}
