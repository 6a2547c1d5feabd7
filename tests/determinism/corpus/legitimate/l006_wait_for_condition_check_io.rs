//! category: wait-for-condition
//! input: {"export_id": "x-9", "expected_parts": 3}
//! summary: the wait_for_condition check closure reads a temp file and the clock; the polling state is checkpointed between polls
use durable_runtime::prelude::*;
use durable_runtime::{WaitDecision};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct ExportWatch {
    pub export_id: String,
    pub expected_parts: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Poll {
    pub parts_seen: u32,
    pub checks: u32,
    pub last_checked_ms: u128,
}

#[durable_workflow]
pub async fn legit_watch_export(ctx: DurableContext, w: ExportWatch) -> Result<u32, DurableError> {
    let expected = w.expected_parts;
    let marker = std::path::PathBuf::from("/nonexistent/durable-determinism-l006").join(&w.export_id);
    let strategy = move |state: &Poll, _attempts: u32| {
        if state.parts_seen >= expected {
            WaitDecision::Stop
        } else {
            WaitDecision::Continue(Duration::from_secs(30))
        }
    };
    let initial = Poll {
        parts_seen: 0,
        checks: 0,
        last_checked_ms: 0,
    };
    let done: Poll = ctx
        .wait_for_condition("export-complete", initial, strategy, move |mut state: Poll, _| async move {
            // The exporter drops a marker when done; otherwise one part lands per poll.
            let finished = std::fs::metadata(&marker).is_ok();
            state.parts_seen = if finished { expected } else { state.parts_seen + 1 };
            state.checks += 1;
            state.last_checked_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0);
            Ok::<_, String>(state)
        })
        .await?;
    Ok(done.checks)
}

fn main() {}
