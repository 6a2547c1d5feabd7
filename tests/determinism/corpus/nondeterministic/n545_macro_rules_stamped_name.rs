//! category: macro-rules
//! replay: diverges
//! input: {"pipeline": "clickstream", "partitions": ["p0", "p1", "p2"]}
//! summary: ETL names its steps through a file-level macro_rules! stamped!(..) that appends SystemTime::now() microseconds, so every step name differs between runs
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EtlRun {
    pub pipeline: String,
    pub partitions: Vec<String>,
}

macro_rules! stamped {
    ($($arg:tt)*) => {
        format!(
            "{}@{}",
            format!($($arg)*),
            SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or(0)
        )
    };
}

#[durable_workflow]
pub async fn hx_clickstream_etl(ctx: DurableContext, run: EtlRun) -> Result<usize, DurableError> {
    let mut rows = 0;
    for partition in &run.partitions {
        let p = partition.clone();
        rows += ctx
            .step(stamped!("extract-{}", partition), move |_| async move { Ok::<_, String>(p.len() * 100) })
            .await?;
    }
    let pipeline = run.pipeline.clone();
    ctx.step(stamped!("load-{}", run.pipeline), move |_| async move { Ok::<_, String>(pipeline) })
        .await?;
    Ok(rows)
}

fn main() {}
