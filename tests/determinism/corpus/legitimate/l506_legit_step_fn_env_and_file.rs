//! category: legit-io-in-step
//! input: {"ticket": "RMA-330", "product_line": "audio", "value_cents": 18000}
//! summary: returns routing reads its region from std::env and its override rules from a temp file inside a #[step] fn; the queue it returns is checkpointed and names the next step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReturnRequest {
    pub ticket: String,
    pub product_line: String,
    pub value_cents: u64,
}

#[step(name = "resolve-return-queue", retry = "none")]
async fn resolve_return_queue(product_line: String) -> Result<String, String> {
    let region = std::env::var("HX_RETURNS_REGION").unwrap_or_else(|_| "eu".to_owned());
    let path = std::env::temp_dir().join("hx_durable_corpus_rma_routing_legit.rules");
    let rules = std::fs::read_to_string(path).unwrap_or_default();
    let queue = rules
        .lines()
        .filter_map(|l| l.split_once('='))
        .find(|(line, _)| line.trim() == product_line)
        .map(|(_, q)| q.trim().to_owned())
        .unwrap_or_else(|| format!("{product_line}-returns"));
    Ok(format!("{region}-{queue}"))
}

#[durable_workflow]
pub async fn hx_legit_route_return(ctx: DurableContext, req: ReturnRequest) -> Result<String, DurableError> {
    let value = req.value_cents;
    let refund_only: bool = ctx
        .step("check-warranty", move |_| async move { Ok::<_, String>(value < 5_000) })
        .await?;
    if refund_only {
        return Ok("refunded without return".into());
    }
    let queue = ctx.run(resolve_return_queue(req.product_line.clone())).await?;
    let ticket = req.ticket.clone();
    ctx.step(format!("enqueue-{queue}"), move |_| async move { Ok::<_, String>(ticket) }).await?;
    ctx.wait("await-shipping-label", Duration::from_secs(3600)).await?;
    Ok(queue)
}

fn main() {}
