//! category: io-in-step
//! input: {"sku": "sku-2"}
//! summary: a reqwest GET to a closed local port inside a step (no retries); the workflow catches the step failure and uses a fallback step
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct PriceCheck {
    pub sku: String,
}

#[durable_workflow]
pub async fn legit_price_via_step(ctx: DurableContext, p: PriceCheck) -> Result<String, DurableError> {
    let sku = p.sku.clone();
    let live: Result<String, DurableError> = ctx
        .step("fetch-live-price", move |_| async move {
            let client = reqwest::Client::builder().no_proxy().build().map_err(|e| e.to_string())?;
            let body = client
                .get(format!("http://127.0.0.1:9/prices/{sku}"))
                .send()
                .await
                .map_err(|e| e.to_string())?
                .text()
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(body)
        })
        .retry(RetryPresets::none())
        .await;
    match live {
        Ok(price) => Ok(price),
        Err(e) if e.is_fatal() => Err(e),
        Err(_) => {
            let sku = p.sku.clone();
            ctx.step("cached-price", move |_| async move { Ok::<_, String>(format!("{sku}: cached")) })
                .await
        }
    }
}

fn main() {}
