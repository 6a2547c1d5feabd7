//! category: concurrency-select
//! replay: same
//! input: {"images": ["a.png", "b.png", "c.png", "d.png"]}
//! summary: fans out pure hashing work with tokio::spawn and awaits the JoinHandles in spawn order; the results and operations are the same every run
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Images {
    pub images: Vec<String>,
}

fn digest(name: &str) -> u64 {
    name.bytes().fold(1469598103934665603u64, |h, b| (h ^ u64::from(b)).wrapping_mul(1099511628211))
}

#[durable_workflow]
pub async fn spawn_digest_images(ctx: DurableContext, i: Images) -> Result<Vec<u64>, DurableError> {
    let handles: Vec<_> = i
        .images
        .iter()
        .cloned()
        .map(|name| tokio::spawn(async move { digest(&name) }))
        .collect();
    let mut digests = Vec::new();
    for h in handles {
        digests.push(h.await.map_err(|e| DurableError::failure("JoinError", e.to_string()))?);
    }
    let d = digests.clone();
    ctx.step("store-digests", move |_| async move { Ok::<_, String>(d.len()) }).await?;
    Ok(digests)
}

fn main() {}
