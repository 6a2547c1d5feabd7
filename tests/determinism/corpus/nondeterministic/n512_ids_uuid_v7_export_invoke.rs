//! category: ids
//! replay: diverges
//! input: {"ledger": "eu-main", "from_day": "2024-05-01", "to_day": "2024-05-31"}
//! summary: ledger export creates a time-ordered batch id with Uuid::now_v7() in the body and sends it in the input of the chained invoke to the exporter function
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportRequest {
    pub ledger: String,
    pub from_day: String,
    pub to_day: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportJob {
    pub batch_id: String,
    pub ledger: String,
    pub rows: u64,
}

#[durable_workflow]
pub async fn hx_export_ledger_month(ctx: DurableContext, req: ExportRequest) -> Result<String, DurableError> {
    let ledger = req.ledger.clone();
    let rows: u64 = ctx
        .step("count-rows", move |_| async move { Ok::<_, String>(ledger.len() as u64 * 1_000) })
        .await?;
    let job = ExportJob {
        batch_id: uuid::Uuid::now_v7().to_string(),
        ledger: req.ledger.clone(),
        rows,
    };
    let batch_id = job.batch_id.clone();
    let exported: Result<u64, DurableError> = ctx.invoke("run-exporter", "ledger-exporter", job).await;
    let status = match exported {
        Ok(n) => format!("exported {n} rows"),
        Err(_) => {
            ctx.wait("exporter-cooldown", Duration::from_secs(600)).await?;
            "exporter unavailable, retry scheduled".to_owned()
        }
    };
    Ok(format!("{batch_id}: {status}"))
}

fn main() {}
