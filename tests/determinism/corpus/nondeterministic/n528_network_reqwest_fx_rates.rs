//! category: network
//! replay: same
//! input: {"invoice_id": "inv-77", "amount": 1999, "from": "USD", "to": "EUR"}
//! summary: currency conversion fetches FX rates with reqwest::get in the body (a closed local port: always falls back to a fixed rate here, but live it returns whatever the rate service says)
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Conversion {
    pub invoice_id: String,
    pub amount: u64,
    pub from: String,
    pub to: String,
}

async fn fx_rate(from: &str, to: &str) -> f64 {
    let url = format!("http://127.0.0.1:9/rates?from={from}&to={to}");
    match reqwest::get(&url).await {
        Ok(resp) => resp.text().await.ok().and_then(|t| t.trim().parse().ok()).unwrap_or(1.0),
        Err(_) => 0.92,
    }
}

#[durable_workflow]
pub async fn hx_convert_invoice_currency(ctx: DurableContext, conv: Conversion) -> Result<u64, DurableError> {
    let id = conv.invoice_id.clone();
    ctx.step("lock-invoice", move |_| async move { Ok::<_, String>(id) }).await?;

    let rate = fx_rate(&conv.from, &conv.to).await;
    let converted = (conv.amount as f64 * rate).round() as u64;

    let (id, to) = (conv.invoice_id.clone(), conv.to.clone());
    ctx.step(format!("rewrite-invoice-{to}-{converted}"), move |_| async move {
        Ok::<_, String>(format!("{id} now in {to}"))
    })
    .await?;
    Ok(converted)
}

fn main() {}
