//! category: global-state
//! replay: diverges
//! input: {"cart_id": "cart-55", "currency": "JPY", "subtotal_usd_cents": 8450}
//! summary: checkout memoizes FX rates in a static OnceLock<Mutex<HashMap>> cache in the body; the first run fetches the rate with a step, later runs hit the cache and create no fetch step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkout {
    pub cart_id: String,
    pub currency: String,
    pub subtotal_usd_cents: u64,
}

fn rate_cache() -> &'static Mutex<HashMap<String, f64>> {
    static CACHE: OnceLock<Mutex<HashMap<String, f64>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached_rate(currency: &str) -> Option<f64> {
    rate_cache().lock().ok()?.get(currency).copied()
}

#[durable_workflow]
pub async fn hx_localized_checkout(ctx: DurableContext, checkout: Checkout) -> Result<u64, DurableError> {
    let rate = match cached_rate(&checkout.currency) {
        Some(rate) => rate,
        None => {
            let currency = checkout.currency.clone();
            let fetched: f64 = ctx
                .step(format!("fetch-rate-{currency}"), move |_| async move {
                    Ok::<_, String>(if currency == "JPY" { 157.3 } else { 1.0 })
                })
                .await?;
            if let Ok(mut cache) = rate_cache().lock() {
                cache.insert(checkout.currency.clone(), fetched);
            }
            fetched
        }
    };
    let local = (checkout.subtotal_usd_cents as f64 * rate / 100.0).round() as u64;
    let cart = checkout.cart_id.clone();
    ctx.step("present-total", move |_| async move { Ok::<_, String>(format!("{cart}: {local}")) })
        .await?;
    Ok(local)
}

fn main() {}
