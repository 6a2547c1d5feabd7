//! category: fs
//! replay: same
//! input: {"ticket": "RMA-330", "product_line": "audio", "value_cents": 18000}
//! summary: returns processing loads routing overrides with std::fs::read_to_string from a file in the temp dir in the body; the chosen queue names the step (stable here because the file never exists)
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReturnRequest {
    pub ticket: String,
    pub product_line: String,
    pub value_cents: u64,
}

fn rules_path() -> PathBuf {
    std::env::temp_dir().join("hx_durable_corpus_rma_routing.rules")
}

fn queue_for(product_line: &str) -> String {
    let overrides = std::fs::read_to_string(rules_path()).unwrap_or_default();
    overrides
        .lines()
        .filter_map(|l| l.split_once('='))
        .find(|(line, _)| line.trim() == product_line)
        .map(|(_, queue)| queue.trim().to_owned())
        .unwrap_or_else(|| format!("{product_line}-returns"))
}

#[durable_workflow]
pub async fn hx_route_return(ctx: DurableContext, req: ReturnRequest) -> Result<String, DurableError> {
    let value = req.value_cents;
    let refund_only: bool = ctx
        .step("check-warranty", move |_| async move { Ok::<_, String>(value < 5_000) })
        .await?;
    if refund_only {
        return Ok("refunded without return".into());
    }
    let queue = queue_for(&req.product_line);
    let ticket = req.ticket.clone();
    ctx.step(format!("enqueue-{queue}"), move |_| async move { Ok::<_, String>(ticket) }).await?;
    ctx.wait("await-shipping-label", Duration::from_secs(3600)).await?;
    Ok(queue)
}

fn main() {}
