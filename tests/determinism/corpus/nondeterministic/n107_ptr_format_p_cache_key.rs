//! category: pointer-address
//! replay: diverges
//! input: {"query": "top-sellers", "limit": 10}
//! summary: uses `format!("{:p}", &*request)` of a boxed request as the cache key that names the lookup step
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Report {
    pub query: String,
    pub limit: u32,
}

#[durable_workflow]
pub async fn ptr_cached_report(ctx: DurableContext, r: Report) -> Result<String, DurableError> {
    let request = Box::new(r);
    let cache_key = format!("{}@{:p}", request.query, &*request);
    let limit = request.limit;
    ctx.step(format!("lookup-{cache_key}"), move |_| async move { Ok::<_, String>(limit) })
        .await?;
    Ok(cache_key)
}

fn main() {}
