//! category: sleeping
//! replay: same
//! input: {"report": "quarterly-kpis", "format": "xlsx"}
//! summary: report export polls its status step in a loop with tokio::time::sleep(5 ms) in the body between polls instead of a durable wait or wait_for_condition
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::time::sleep;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportReport {
    pub report: String,
    pub format: String,
}

#[durable_workflow]
pub async fn hx_export_report(ctx: DurableContext, req: ExportReport) -> Result<String, DurableError> {
    let (report, format) = (req.report.clone(), req.format.clone());
    let job: String = ctx
        .step("start-export", move |_| async move { Ok::<_, String>(format!("{report}.{format}")) })
        .await?;

    let mut poll = 0u32;
    loop {
        let ready: bool = ctx
            .step(format!("poll-export-{poll}"), move |_| async move { Ok::<_, String>(poll >= 2) })
            .await?;
        if ready || poll >= 5 {
            break;
        }
        poll += 1;
        sleep(Duration::from_millis(5)).await;
    }
    let link = job.clone();
    ctx.step("email-download-link", move |_| async move { Ok::<_, String>(link) }).await?;
    Ok(job)
}

fn main() {}
