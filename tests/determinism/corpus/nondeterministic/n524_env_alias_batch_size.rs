//! category: env
//! replay: same
//! input: {"job": "reindex-products", "ids": [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]}
//! summary: bulk reindex chunks its ids by a batch size read through `use std::env as environment` (HX_REINDEX_BATCH, default 4); the number and names of the batch steps depend on the environment
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::env as environment;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReindexJob {
    pub job: String,
    pub ids: Vec<u64>,
}

fn batch_size() -> usize {
    environment::var("HX_REINDEX_BATCH")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(4)
}

#[durable_workflow]
pub async fn hx_bulk_reindex(ctx: DurableContext, job: ReindexJob) -> Result<usize, DurableError> {
    let mut indexed = 0;
    for (n, chunk) in job.ids.chunks(batch_size()).enumerate() {
        let ids = chunk.to_vec();
        indexed += ctx
            .step(format!("{}-batch-{n}", job.job), move |_| async move { Ok::<_, String>(ids.len()) })
            .await?;
        ctx.wait(format!("throttle-{n}"), Duration::from_secs(5)).await?;
    }
    Ok(indexed)
}

fn main() {}
