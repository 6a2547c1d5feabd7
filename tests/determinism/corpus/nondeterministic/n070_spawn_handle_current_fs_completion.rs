//! category: concurrency-select
//! replay: diverges
//! input: {"tenant": "initech", "parts": ["p0", "p1", "p2", "p3", "p4", "p5"]}
//! summary: spawns per-part writers with Handle::current().spawn (tokio::fs underneath) that push to a shared Vec as they finish; the step order follows completion order
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::sync::{Arc, Mutex};
use tokio::runtime::Handle;

#[derive(Debug, Clone, Deserialize)]
pub struct Multipart {
    pub tenant: String,
    pub parts: Vec<String>,
}

#[durable_workflow]
pub async fn spawn_flush_parts(ctx: DurableContext, m: Multipart) -> Result<Vec<String>, DurableError> {
    let finished = Arc::new(Mutex::new(Vec::new()));
    let handle = Handle::current();
    let mut tasks = Vec::new();
    for part in m.parts.clone() {
        let finished = finished.clone();
        let path = std::env::temp_dir().join(format!("durable-determinism-n070-{}-{part}", m.tenant));
        tasks.push(handle.spawn(async move {
            let _ = tokio::fs::write(&path, part.repeat(512)).await;
            let _ = tokio::fs::read(&path).await;
            finished.lock().unwrap_or_else(|p| p.into_inner()).push(part);
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let order: Vec<String> = finished.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for part in &order {
        let p = part.clone();
        ctx.step(format!("commit-{part}"), move |_| async move { Ok::<_, String>(p) }).await?;
    }
    Ok(order)
}

fn main() {}
