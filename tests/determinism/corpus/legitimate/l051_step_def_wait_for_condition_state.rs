//! category: wait-for-condition
//! input: {"job": "etl-7"}
//! summary: polls a job with wait_for_condition and a PollingPolicy; the check closure calls a helper that reads the clock (inside the check, which is checkpointed)
use durable_runtime::prelude::*;
use durable_runtime::PollingPolicy;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct JobWatch {
    pub job: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobState {
    pub polls: u32,
    pub done: bool,
    pub seen_at: u64,
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[durable_workflow]
pub async fn legit_poll_job(ctx: DurableContext, j: JobWatch) -> Result<u32, DurableError> {
    let policy = PollingPolicy::until_not(|s: &JobState| !s.done)
        .max_attempts(10)
        .fixed_delay(Duration::from_secs(15));
    let initial = JobState {
        polls: 0,
        done: false,
        seen_at: 0,
    };
    let state = ctx
        .wait_for_condition(format!("wait-{}", j.job), initial, policy, |mut s: JobState, _| async move {
            s.polls += 1;
            s.done = s.polls >= 3;
            s.seen_at = now_secs();
            Ok::<_, String>(s)
        })
        .await?;
    Ok(state.polls)
}

fn main() {}
