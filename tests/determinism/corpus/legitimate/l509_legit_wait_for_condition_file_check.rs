//! category: legit-condition-check
//! input: {"export_id": "exp-2024-06", "max_polls": 4}
//! summary: data export polls for its output with wait_for_condition; the check (a step) reads the clock and looks for the file in the temp dir, and the policy decides from the checkpointed state
use durable_runtime::prelude::*;
use durable_runtime::PollingPolicy;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportWatch {
    pub export_id: String,
    pub max_polls: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportState {
    pub polls: u32,
    pub ready: bool,
    pub last_checked_ms: u128,
}

#[durable_workflow]
pub async fn hx_legit_wait_for_export_file(ctx: DurableContext, watch: ExportWatch) -> Result<u32, DurableError> {
    let export_id = watch.export_id.clone();
    let initial = ExportState { polls: 0, ready: false, last_checked_ms: 0 };
    let policy = PollingPolicy::until_not(|s: &ExportState| !s.ready)
        .max_attempts(watch.max_polls + 1)
        .fixed_delay(Duration::from_secs(60));
    let state = ctx
        .wait_for_condition("wait-for-export", initial, policy, move |state: ExportState, _| async move {
            let path = std::env::temp_dir().join(format!("hx_durable_corpus_{export_id}.csv"));
            let on_disk = std::fs::metadata(&path).is_ok();
            let polls = state.polls + 1;
            let last_checked_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
            Ok::<_, String>(ExportState { polls, ready: on_disk || polls >= 3, last_checked_ms })
        })
        .await?;
    let id = watch.export_id.clone();
    ctx.step("notify-analyst", move |_| async move { Ok::<_, String>(id) }).await?;
    Ok(state.polls)
}

fn main() {}
