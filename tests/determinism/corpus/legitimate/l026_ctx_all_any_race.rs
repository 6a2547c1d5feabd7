//! category: combinators
//! input: {"sku": "sku-5", "carriers": ["dhl", "ups", "gls"]}
//! summary: quotes carriers with ctx.all, picks a stock source with ctx.any and a cache with ctx.race, over durable steps
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::future::IntoFuture;

#[derive(Debug, Clone, Deserialize)]
pub struct Quote {
    pub sku: String,
    pub carriers: Vec<String>,
}

#[durable_workflow]
pub async fn legit_quote_combinators(ctx: DurableContext, q: Quote) -> Result<String, DurableError> {
    let quotes = q
        .carriers
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, carrier)| {
            ctx.step(format!("quote-{carrier}"), move |_| async move { Ok::<_, String>(500 + i as u64 * 25) })
        })
        .collect::<Vec<_>>();
    let prices: Vec<u64> = ctx.all("all-quotes", quotes).await?;
    let sources = vec![
        ctx.step("stock-primary", |_| async { Err::<String, _>("primary empty".to_owned()) })
            .retry(RetryPresets::none())
            .into_future(),
        ctx.step("stock-secondary", |_| async { Ok::<_, String>("secondary".to_owned()) })
            .retry(RetryPresets::none())
            .into_future(),
    ];
    let source: String = ctx.any("any-stock", sources).await?;
    let sku = q.sku.clone();
    let cache = vec![ctx.step("cache-lookup", move |_| async move { Ok::<_, String>(sku) })];
    let cached: String = ctx.race("race-cache", cache).await?;
    Ok(format!("{cached}: best {} from {source}", prices.iter().min().copied().unwrap_or(0)))
}

fn main() {}
