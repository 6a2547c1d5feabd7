//! category: fs
//! replay: same
//! input: {"tenant": "acme", "documents": 40}
//! summary: reads an optional limits file with std::fs::read_to_string in the body and branches on it; the file does not change between runs
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct IndexJob {
    pub tenant: String,
    pub documents: u32,
}

#[durable_workflow]
pub async fn fs_index_documents(ctx: DurableContext, job: IndexJob) -> Result<u32, DurableError> {
    let path = std::env::temp_dir().join(format!("durable-determinism-{}-limits.toml", job.tenant));
    let max_batch: u32 = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| text.trim().strip_prefix("max_batch = ")?.parse().ok())
        .unwrap_or(25);
    let mut done = 0;
    let mut batch = 0;
    while done < job.documents {
        let n = max_batch.min(job.documents - done);
        ctx.step(format!("index-batch-{batch}"), move |_| async move { Ok::<_, String>(n) })
            .await?;
        done += n;
        batch += 1;
    }
    Ok(batch)
}

fn main() {}
