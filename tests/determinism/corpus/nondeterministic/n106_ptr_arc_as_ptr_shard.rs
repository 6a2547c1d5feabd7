//! category: pointer-address
//! replay: diverges
//! input: {"tenant": "umbrella", "jobs": ["j1", "j2", "j3"]}
//! summary: shards jobs by `Arc::as_ptr(&config) as usize` of a freshly built config, and names the steps after the shard
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Debug, Clone, Deserialize)]
pub struct Jobs {
    pub tenant: String,
    pub jobs: Vec<String>,
}

pub struct TenantConfig {
    pub tenant: String,
    pub shards: usize,
}

#[durable_workflow]
pub async fn ptr_shard_jobs(ctx: DurableContext, j: Jobs) -> Result<usize, DurableError> {
    let config = Arc::new(TenantConfig {
        tenant: j.tenant.clone(),
        shards: 16,
    });
    // Spread tenants over shards "cheaply".
    let shard = (Arc::as_ptr(&config) as usize >> 4) % config.shards;
    for job in j.jobs {
        ctx.step(format!("{}-shard{shard}-{job}", config.tenant), move |_| async move { Ok::<_, String>(job) })
            .await?;
    }
    Ok(shard)
}

fn main() {}
