//! category: env
//! replay: diverges
//! input: {"pipeline": "etl-daily", "stages": ["extract", "load"]}
//! summary: takes the run id from the PIPELINE_RUN_ID variable, falling back to a fastrand-made id when it is unset, and names every stage step with it
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::env;

#[derive(Debug, Clone, Deserialize)]
pub struct Pipeline {
    pub pipeline: String,
    pub stages: Vec<String>,
}

#[durable_workflow]
pub async fn env_run_pipeline(ctx: DurableContext, p: Pipeline) -> Result<String, DurableError> {
    let run_id = env::var("PIPELINE_RUN_ID").unwrap_or_else(|_| format!("local-{:08x}", fastrand::u32(..)));
    for stage in &p.stages {
        let s = stage.clone();
        ctx.step(format!("{run_id}-{stage}"), move |_| async move { Ok::<_, String>(s) })
            .await?;
    }
    Ok(format!("{} {}", p.pipeline, run_id))
}

fn main() {}
