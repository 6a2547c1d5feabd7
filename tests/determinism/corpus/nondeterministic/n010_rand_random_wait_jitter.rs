//! category: randomness
//! replay: diverges
//! input: {"endpoint": "inventory-sync", "attempt": 1}
//! summary: adds rand::random::<u64>() jitter to a durable wait's duration, computed in the body
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct SyncJob {
    pub endpoint: String,
    pub attempt: u32,
}

#[durable_workflow]
pub async fn rand_jittered_sync(ctx: DurableContext, job: SyncJob) -> Result<String, DurableError> {
    // Spread the herd: everybody syncing at once hurts the upstream.
    let jitter = rand::random::<u64>() % 120;
    ctx.wait("stagger", Duration::from_secs(30 + jitter)).await?;
    let endpoint = job.endpoint.clone();
    ctx.step("sync", move |_| async move { Ok::<_, String>(format!("synced {endpoint}")) })
        .await
}

fn main() {}
