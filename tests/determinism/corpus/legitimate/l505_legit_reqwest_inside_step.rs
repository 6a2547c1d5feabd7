//! category: legit-io-in-step
//! input: {"invoice_id": "inv-77", "amount": 1999, "from": "USD", "to": "EUR"}
//! summary: currency conversion fetches the FX rate with reqwest inside the ctx.step closure (falling back to a fixed rate on error); the recorded rate is replayed
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Conversion {
    pub invoice_id: String,
    pub amount: u64,
    pub from: String,
    pub to: String,
}

#[durable_workflow]
pub async fn hx_legit_convert_currency(ctx: DurableContext, conv: Conversion) -> Result<u64, DurableError> {
    let (from, to) = (conv.from.clone(), conv.to.clone());
    let rate: f64 = ctx
        .step("fetch-fx-rate", move |_| async move {
            let url = format!("http://127.0.0.1:9/rates?from={from}&to={to}");
            let rate = match reqwest::get(&url).await {
                Ok(resp) => resp.text().await.ok().and_then(|t| t.trim().parse().ok()).unwrap_or(1.0),
                Err(_) => 0.92,
            };
            Ok::<_, String>(rate)
        })
        .retry(RetryPresets::none())
        .await?;
    let converted = (conv.amount as f64 * rate).round() as u64;
    let (id, to) = (conv.invoice_id.clone(), conv.to.clone());
    ctx.step(format!("rewrite-invoice-{to}"), move |_| async move { Ok::<_, String>(format!("{id}: {converted}")) })
        .await?;
    Ok(converted)
}

fn main() {}
