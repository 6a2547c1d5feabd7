//! category: look-alike-names
//! input: {"study": "sleep-lab", "participants": ["p1", "p2"]}
//! summary: steps literally named "sleep", "random" and "now" (a sleep-study workflow), with deterministic bodies or I/O inside the steps
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Study {
    pub study: String,
    pub participants: Vec<String>,
}

#[durable_workflow]
pub async fn legit_sleep_study(ctx: DurableContext, s: Study) -> Result<u64, DurableError> {
    let n = s.participants.len() as u64;
    let hours: u64 = ctx.step("sleep", move |_| async move { Ok::<_, String>(8 * n) }).await?;
    let group: u64 = ctx
        .step("random", |_| async { Ok::<_, String>(fastrand::u64(..2)) })
        .await?;
    let recorded_at: u64 = ctx
        .step("now", |_| async {
            Ok::<_, String>(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0))
        })
        .await?;
    let _ = recorded_at;
    Ok(hours + group)
}

fn main() {}
