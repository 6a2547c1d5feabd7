//! category: concurrency-select
//! replay: diverges
//! input: {"primary": "db-primary", "replica": "db-replica", "reads": 6}
//! summary: races a primary and a replica lookup with futures::select! for each read; both are ready at once, so select! picks at random and the step names vary
use durable_runtime::prelude::*;
use futures::future::FutureExt;
use futures::select;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Reads {
    pub primary: String,
    pub replica: String,
    pub reads: u32,
}

async fn lookup(source: &str, key: u32) -> String {
    format!("{source}:{key}")
}

#[durable_workflow]
pub async fn select_hedged_reads(ctx: DurableContext, r: Reads) -> Result<Vec<String>, DurableError> {
    let mut served_by = Vec::new();
    for key in 0..r.reads {
        let winner = {
            let mut a = Box::pin(lookup(&r.primary, key).fuse());
            let mut b = Box::pin(lookup(&r.replica, key).fuse());
            select! {
                v = a => v,
                v = b => v,
            }
        };
        let w = winner.clone();
        ctx.step(format!("cache-{winner}"), move |_| async move { Ok::<_, String>(w) })
            .await?;
        served_by.push(winner);
    }
    Ok(served_by)
}

fn main() {}
