//! category: concurrency-select
//! replay: same
//! input: {"shards": [1, 2, 3, 4]}
//! summary: tokio::spawn-ed producers send shard counts over a tokio::sync::mpsc channel; on the current-thread runtime they run in spawn order, so the result is the same every run
use durable_runtime::prelude::*;
use serde::Deserialize;
use tokio::sync::mpsc;

#[derive(Debug, Clone, Deserialize)]
pub struct Shards {
    pub shards: Vec<u32>,
}

#[durable_workflow]
pub async fn channel_count_shards(ctx: DurableContext, s: Shards) -> Result<Vec<u32>, DurableError> {
    let (tx, mut rx) = mpsc::channel(16);
    for shard in s.shards {
        let tx = tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(shard * 100).await;
        });
    }
    drop(tx);
    let mut counts = Vec::new();
    while let Some(c) = rx.recv().await {
        counts.push(c);
    }
    let total: u32 = counts.iter().sum();
    ctx.step("record-total", move |_| async move { Ok::<_, String>(total) }).await?;
    Ok(counts)
}

fn main() {}
