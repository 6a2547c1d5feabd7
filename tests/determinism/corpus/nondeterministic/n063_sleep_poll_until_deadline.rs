//! category: sleeping
//! replay: diverges
//! input: {"job_id": "j-13"}
//! summary: polls an in-process job with thread::sleep until a 10 ms deadline and names the next step after the number of polls
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::thread;
use std::time::{Duration as StdDuration, Instant};

#[derive(Debug, Clone, Deserialize)]
pub struct PollJob {
    pub job_id: String,
}

fn job_finished(_id: &str) -> bool {
    false
}

#[durable_workflow]
pub async fn sleep_poll_job(ctx: DurableContext, j: PollJob) -> Result<u32, DurableError> {
    let deadline = Instant::now() + StdDuration::from_millis(10);
    let mut polls = 0u32;
    while !job_finished(&j.job_id) && Instant::now() < deadline {
        polls += 1;
        thread::sleep(StdDuration::from_micros(40));
    }
    let id = j.job_id.clone();
    ctx.step(format!("escalate-after-{polls}-polls"), move |_| async move { Ok::<_, String>(id) })
        .await?;
    Ok(polls)
}

fn main() {}
