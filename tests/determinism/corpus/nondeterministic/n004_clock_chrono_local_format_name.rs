//! category: clock
//! replay: diverges
//! input: {"account": "acme", "month": "2026-10"}
//! summary: builds the report step's name with chrono::Local::now().format(..) inside format!
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct ReportRequest {
    pub account: String,
    pub month: String,
}

#[durable_workflow]
pub async fn clock_monthly_report(ctx: DurableContext, req: ReportRequest) -> Result<String, DurableError> {
    let step_name = format!(
        "render-{}-{}",
        req.account,
        chrono::Local::now().format("%Y%m%dT%H%M%S%.f")
    );
    let month = req.month.clone();
    let pages: u32 = ctx
        .step(step_name, move |_| async move { Ok::<_, String>(month.len() as u32) })
        .await?;
    ctx.wait("let-accounting-review", Duration::from_secs(3600)).await?;
    Ok(format!("{} pages for {}", pages, req.month))
}

fn main() {}
