//! category: global-state
//! replay: diverges
//! input: {"batch": ["r1", "r2", "r3"]}
//! summary: a `metrics` module's static AtomicUsize run counter, read through `metrics::next_run()`, names the batch steps
use durable_runtime::prelude::*;
use serde::Deserialize;

mod metrics {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static RUNS: AtomicUsize = AtomicUsize::new(0);

    pub fn next_run() -> usize {
        RUNS.fetch_add(1, Ordering::Relaxed) + 1
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Records {
    pub batch: Vec<String>,
}

#[durable_workflow]
pub async fn global_numbered_batch(ctx: DurableContext, r: Records) -> Result<usize, DurableError> {
    let run = metrics::next_run();
    for record in r.batch {
        ctx.step(format!("run{run}-{record}"), move |_| async move { Ok::<_, String>(record) })
            .await?;
    }
    Ok(run)
}

fn main() {}
