//! category: env
//! replay: same
//! input: {"job": "nightly-compaction", "tables": ["orders", "events"]}
//! summary: logs the Lambda log stream name read with std::env::var_os; the value only reaches a log line
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Compaction {
    pub job: String,
    pub tables: Vec<String>,
}

#[durable_workflow]
pub async fn env_compact_tables(ctx: DurableContext, c: Compaction) -> Result<usize, DurableError> {
    let stream = std::env::var_os("AWS_LAMBDA_LOG_STREAM_NAME").unwrap_or_default();
    ctx.logger().info(format!("{} running in {:?}", c.job, stream));
    for table in &c.tables {
        let t = table.clone();
        ctx.step(format!("compact-{table}"), move |_| async move { Ok::<_, String>(t) })
            .await?;
    }
    Ok(c.tables.len())
}

fn main() {}
