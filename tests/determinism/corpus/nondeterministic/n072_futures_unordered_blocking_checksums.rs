//! category: concurrency-select
//! replay: diverges
//! input: {"objects": ["o-1", "o-2", "o-3", "o-4", "o-5", "o-6", "o-7", "o-8"]}
//! summary: verifies checksums with spawn_blocking jobs collected through FuturesUnordered and records the objects in completion order
use durable_runtime::prelude::*;
use futures::stream::{FuturesUnordered, StreamExt};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Objects {
    pub objects: Vec<String>,
}

fn checksum(name: &str) -> u32 {
    // Fetching the object's bytes takes a moment.
    std::thread::sleep(std::time::Duration::from_micros(200));
    (0..30_000u32).fold(0u32, |acc, i| acc.rotate_left(3) ^ (i + name.len() as u32))
}

#[durable_workflow]
pub async fn futures_verify_objects(ctx: DurableContext, o: Objects) -> Result<Vec<String>, DurableError> {
    let mut pending: FuturesUnordered<_> = o
        .objects
        .into_iter()
        .map(|name| tokio::task::spawn_blocking(move || (checksum(&name), name)))
        .collect();
    let mut verified = Vec::new();
    while let Some(joined) = pending.next().await {
        let (_sum, name) = joined.map_err(|e| DurableError::failure("JoinError", e.to_string()))?;
        verified.push(name);
    }
    let list = verified.clone();
    ctx.step("mark-verified", move |_| async move { Ok::<_, String>(list.len()) }).await?;
    Ok(verified)
}

fn main() {}
