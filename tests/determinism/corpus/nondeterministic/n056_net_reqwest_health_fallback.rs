//! category: network
//! replay: same
//! input: {"order_id": 31, "sku": "sku-2"}
//! summary: checks the pricing service with reqwest::get(..) in the body and falls back to cached prices when it fails; the local endpoint always refuses, so every run takes the same branch
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct PriceCheck {
    pub order_id: u64,
    pub sku: String,
}

#[durable_workflow]
pub async fn net_price_with_fallback(ctx: DurableContext, p: PriceCheck) -> Result<String, DurableError> {
    let healthy = match reqwest::get("http://127.0.0.1:9/health").await {
        Ok(resp) => resp.status().is_success(),
        Err(_) => false,
    };
    let sku = p.sku.clone();
    if healthy {
        ctx.step("live-price", move |_| async move { Ok::<_, String>(format!("{sku}: live")) })
            .await
    } else {
        ctx.step("cached-price", move |_| async move { Ok::<_, String>(format!("{sku}: cached")) })
            .await
    }
}

fn main() {}
