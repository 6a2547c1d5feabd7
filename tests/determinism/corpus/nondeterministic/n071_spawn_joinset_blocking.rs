//! category: concurrency-select
//! replay: diverges
//! input: {"chunks": ["c0", "c1", "c2", "c3", "c4", "c5", "c6"]}
//! summary: compresses chunks on a tokio::task::JoinSet (spawn_blocking) and appends each to the archive in join_next() completion order
use durable_runtime::prelude::*;
use serde::Deserialize;
use tokio::task::JoinSet;

#[derive(Debug, Clone, Deserialize)]
pub struct Archive {
    pub chunks: Vec<String>,
}

fn compress(chunk: &str) -> usize {
    let data = chunk.repeat(20_000);
    data.bytes().filter(|b| *b == b'c').count()
}

#[durable_workflow]
pub async fn spawn_build_archive(ctx: DurableContext, a: Archive) -> Result<Vec<String>, DurableError> {
    let mut set = JoinSet::new();
    for chunk in a.chunks {
        set.spawn_blocking(move || {
            let size = compress(&chunk);
            (chunk, size)
        });
    }
    let mut order = Vec::new();
    while let Some(done) = set.join_next().await {
        let (chunk, size) = done.map_err(|e| DurableError::failure("JoinError", e.to_string()))?;
        ctx.step(format!("append-{chunk}"), move |_| async move { Ok::<_, String>(size) })
            .await?;
        order.push(chunk);
    }
    Ok(order)
}

fn main() {}
