//! category: hashmap-iteration
//! replay: diverges
//! input: {"retries": [["job-a", 2], ["job-b", 5], ["job-c", 1], ["job-d", 3], ["job-e", 4]]}
//! summary: builds a HashMap of pending jobs and .drain()s it into one resubmit step per job
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct RetryQueue {
    pub retries: Vec<(String, u32)>,
}

#[durable_workflow]
pub async fn hashmap_drain_retries(ctx: DurableContext, q: RetryQueue) -> Result<u32, DurableError> {
    let mut pending: HashMap<String, u32> = HashMap::new();
    for (job, attempts) in q.retries {
        *pending.entry(job).or_insert(0) += attempts;
    }
    let mut resubmitted = 0;
    for (job, attempts) in pending.drain() {
        ctx.step(format!("resubmit-{job}"), move |_| async move { Ok::<_, String>(attempts) })
            .await?;
        resubmitted += 1;
    }
    Ok(resubmitted)
}

fn main() {}
