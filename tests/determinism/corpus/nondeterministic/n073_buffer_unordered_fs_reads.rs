//! category: concurrency-select
//! replay: diverges
//! input: {"manifest": ["m-a", "m-b", "m-c", "m-d", "m-e", "m-f"]}
//! summary: loads manifest files with stream::iter(..).map(tokio::fs::read).buffer_unordered(4) and creates one step per file in completion order
use durable_runtime::prelude::*;
use futures::stream::{self, StreamExt};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub manifest: Vec<String>,
}

#[durable_workflow]
pub async fn buffer_load_manifest(ctx: DurableContext, m: Manifest) -> Result<Vec<String>, DurableError> {
    let dir = std::env::temp_dir();
    for name in &m.manifest {
        let _ = std::fs::write(dir.join(format!("durable-determinism-n073-{name}")), name.repeat(4096));
    }
    let loaded: Vec<(String, usize)> = stream::iter(m.manifest.clone())
        .map(|name| {
            let path = dir.join(format!("durable-determinism-n073-{name}"));
            async move { (name, tokio::fs::read(path).await.map(|b| b.len()).unwrap_or(0)) }
        })
        .buffer_unordered(4)
        .collect()
        .await;
    let mut order = Vec::new();
    for (name, len) in loaded {
        ctx.step(format!("apply-{name}"), move |_| async move { Ok::<_, String>(len) }).await?;
        order.push(name);
    }
    Ok(order)
}

fn main() {}
