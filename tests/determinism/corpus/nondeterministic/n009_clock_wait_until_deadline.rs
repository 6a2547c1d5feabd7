//! category: clock
//! replay: same
//! input: {"report": "hourly-usage", "shards": 4}
//! summary: aligns the next run to the top of the hour with a wait computed from std::time::SystemTime::now(); in whole seconds, runs microseconds apart ask for the same wait
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct HourlyJob {
    pub report: String,
    pub shards: u32,
}

#[durable_workflow]
pub async fn clock_align_to_hour(ctx: DurableContext, job: HourlyJob) -> Result<u32, DurableError> {
    let now_secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let until_top_of_hour = 3600 - now_secs % 3600;
    ctx.wait("until-top-of-hour", Duration::from_secs(until_top_of_hour))
        .await?;
    let mut rows = 0;
    for shard in 0..job.shards {
        let report = job.report.clone();
        rows += ctx
            .step(format!("aggregate-shard-{shard}"), move |_| async move {
                Ok::<_, String>(report.len() as u32 + shard)
            })
            .await?;
    }
    Ok(rows)
}

fn main() {}
