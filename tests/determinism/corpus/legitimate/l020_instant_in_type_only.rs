//! category: look-alike-std
//! input: {"job": "reindex", "shards": 3}
//! summary: Instant appears only in a type annotation and a struct field type (always None in the workflow); the timing is measured inside the steps
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::time::Instant;

#[derive(Debug, Clone, Deserialize)]
pub struct Reindex {
    pub job: String,
    pub shards: u32,
}

#[derive(Default)]
pub struct Progress {
    pub done: u32,
    pub last_tick: Option<Instant>,
}

#[durable_workflow]
pub async fn legit_reindex_shards(ctx: DurableContext, r: Reindex) -> Result<u32, DurableError> {
    let mut progress = Progress::default();
    let started: Option<Instant> = None;
    for shard in 0..r.shards {
        let micros: u128 = ctx
            .step(format!("{}-shard-{shard}", r.job), move |_| async move {
                let t = Instant::now();
                Ok::<_, String>(t.elapsed().as_micros())
            })
            .await?;
        let _ = micros;
        progress.done += 1;
    }
    debug_assert!(started.is_none() && progress.last_tick.is_none());
    Ok(progress.done)
}

fn main() {}
