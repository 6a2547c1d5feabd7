//! category: pointer-address
//! replay: diverges
//! input: {"report": "churn", "filters": ["plan=pro", "region=eu", "age>90d"]}
//! summary: analytics query keys its result cache with format!("{:p}", Arc::as_ptr(&query)) in the body; the address-based key names the cache-store step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportRequest {
    pub report: String,
    pub filters: Vec<String>,
}

struct Query {
    sql: String,
}

#[durable_workflow]
pub async fn hx_run_analytics_report(ctx: DurableContext, req: ReportRequest) -> Result<String, DurableError> {
    let query = Arc::new(Query {
        sql: format!("select * from {} where {}", req.report, req.filters.join(" and ")),
    });
    let cache_key = format!("{:p}", Arc::as_ptr(&query));
    let sql = query.sql.clone();
    let rows: u64 = ctx
        .step("execute-query", move |_| async move { Ok::<_, String>(sql.len() as u64) })
        .await?;
    ctx.step(format!("cache-result-{cache_key}"), move |_| async move { Ok::<_, String>(rows) })
        .await?;
    Ok(format!("{} rows for {}", rows, req.report))
}

fn main() {}
