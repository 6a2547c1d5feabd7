//! category: concurrency-select
//! replay: same
//! input: {"suppliers": ["acme", "globex", "initech", "umbrella", "hooli"]}
//! summary: awaits quote steps through FuturesUnordered and keeps them in completion order; the steps complete in the same order in every run (a replay and a live run may still differ)
use durable_runtime::prelude::*;
use futures::stream::{FuturesUnordered, StreamExt};
use serde::Deserialize;
use std::future::IntoFuture;

#[derive(Debug, Clone, Deserialize)]
pub struct Rfq {
    pub suppliers: Vec<String>,
}

#[durable_workflow]
pub async fn futures_collect_quotes(ctx: DurableContext, r: Rfq) -> Result<Vec<String>, DurableError> {
    let mut quotes = FuturesUnordered::new();
    for (i, supplier) in r.suppliers.into_iter().enumerate() {
        let quote = ctx.step(format!("quote-{supplier}"), move |_| async move {
            Ok::<_, String>(format!("{supplier}:{}", 100 + i * 7))
        });
        quotes.push(quote.into_future());
    }
    let mut arrived = Vec::new();
    while let Some(q) = quotes.next().await {
        arrived.push(q?);
    }
    ctx.wait("review-window", Duration::from_secs(3600)).await?;
    let best = arrived.first().cloned().unwrap_or_default();
    ctx.step("accept-first-quote", move |_| async move { Ok::<_, String>(best) })
        .await?;
    Ok(arrived)
}

fn main() {}
