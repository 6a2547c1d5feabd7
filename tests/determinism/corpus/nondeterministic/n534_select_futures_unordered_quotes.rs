//! category: concurrency-select
//! replay: same
//! input: {"shipment_id": "shp-61", "weight_kg": 12, "carriers": ["dhl", "ups", "fedex", "gls", "dpd"]}
//! summary: freight quoting pushes one quote step per carrier into a FuturesUnordered and keeps the first three quotes in completion order; the kept carriers name the shortlist step and the result (completion order happens to be stable in this runtime, but nothing guarantees it)
use durable_runtime::prelude::*;
use futures::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use std::future::IntoFuture;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuoteRequest {
    pub shipment_id: String,
    pub weight_kg: u32,
    pub carriers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Quote {
    pub carrier: String,
    pub cents: u64,
}

#[durable_workflow]
pub async fn hx_collect_freight_quotes(ctx: DurableContext, req: QuoteRequest) -> Result<Vec<Quote>, DurableError> {
    let mut pending = FuturesUnordered::new();
    for carrier in &req.carriers {
        let (c, kg) = (carrier.clone(), u64::from(req.weight_kg));
        pending.push(ctx.step(format!("quote-{carrier}"), move |_| async move {
            Ok::<_, String>(Quote { cents: 900 + kg * (c.len() as u64) * 37, carrier: c })
        }).into_future());
    }
    let mut quotes = Vec::new();
    while let Some(quote) = pending.next().await {
        quotes.push(quote?);
        if quotes.len() == 3 {
            break;
        }
    }
    drop(pending);
    let shortlist: Vec<String> = quotes.iter().map(|q| q.carrier.clone()).collect();
    let id = req.shipment_id.clone();
    ctx.step(format!("shortlist-{}", shortlist.join("-")), move |_| async move { Ok::<_, String>(id) })
        .await?;
    Ok(quotes)
}

fn main() {}
