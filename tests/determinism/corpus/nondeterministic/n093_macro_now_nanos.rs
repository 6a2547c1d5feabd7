//! category: macro-rules
//! replay: diverges
//! input: {"pipeline": "ingest", "files": ["x.json", "y.json"]}
//! summary: a local macro_rules! `now_nanos!()` hides SystemTime::now(); the body uses it to name checkpoints
use durable_runtime::prelude::*;
use serde::Deserialize;

macro_rules! now_nanos {
    () => {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    };
}

#[derive(Debug, Clone, Deserialize)]
pub struct Ingest {
    pub pipeline: String,
    pub files: Vec<String>,
}

#[durable_workflow]
pub async fn macro_ingest_files(ctx: DurableContext, i: Ingest) -> Result<usize, DurableError> {
    for file in &i.files {
        let f = file.clone();
        ctx.step(format!("{}-{file}-{}", i.pipeline, now_nanos!()), move |_| async move { Ok::<_, String>(f) })
            .await?;
    }
    Ok(i.files.len())
}

fn main() {}
