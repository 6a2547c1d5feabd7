//! category: global-state
//! replay: diverges
//! input: {"sku": "sku-42", "qty": 3}
//! summary: caches prices in a OnceLock<Mutex<HashMap>> static; only a cache miss runs the fetch-price step, so the first run and later runs differ
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

fn price_cache() -> &'static Mutex<HashMap<String, u64>> {
    static CACHE: OnceLock<Mutex<HashMap<String, u64>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

#[derive(Debug, Clone, Deserialize)]
pub struct Quote {
    pub sku: String,
    pub qty: u64,
}

#[durable_workflow]
pub async fn global_quote_price(ctx: DurableContext, q: Quote) -> Result<u64, DurableError> {
    let cached = price_cache().lock().unwrap_or_else(|p| p.into_inner()).get(&q.sku).copied();
    let unit = match cached {
        Some(p) => p,
        None => {
            let sku = q.sku.clone();
            let p: u64 = ctx
                .step("fetch-price", move |_| async move { Ok::<_, String>(sku.len() as u64 * 100) })
                .await?;
            price_cache().lock().unwrap_or_else(|p| p.into_inner()).insert(q.sku.clone(), p);
            p
        }
    };
    Ok(unit * q.qty)
}

fn main() {}
