//! category: concurrency-select
//! replay: diverges
//! input: {"high": ["h1", "h2", "h3", "h4"], "low": ["l1", "l2", "l3", "l4"]}
//! summary: merges two queues with tokio::select! without `biased;`: when both have messages it picks a branch at random, so the step order varies
use durable_runtime::prelude::*;
use serde::Deserialize;
use tokio::sync::mpsc;

#[derive(Debug, Clone, Deserialize)]
pub struct Queues {
    pub high: Vec<String>,
    pub low: Vec<String>,
}

#[durable_workflow]
pub async fn select_merge_queues(ctx: DurableContext, q: Queues) -> Result<Vec<String>, DurableError> {
    let (high_tx, mut high_rx) = mpsc::unbounded_channel();
    let (low_tx, mut low_rx) = mpsc::unbounded_channel();
    for m in q.high {
        let _ = high_tx.send(m);
    }
    for m in q.low {
        let _ = low_tx.send(m);
    }
    drop((high_tx, low_tx));
    let mut order = Vec::new();
    loop {
        let next = tokio::select! {
            Some(m) = high_rx.recv() => m,
            Some(m) = low_rx.recv() => m,
            else => break,
        };
        let m2 = next.clone();
        ctx.step(format!("handle-{next}"), move |_| async move { Ok::<_, String>(m2) })
            .await?;
        order.push(next);
    }
    Ok(order)
}

fn main() {}
