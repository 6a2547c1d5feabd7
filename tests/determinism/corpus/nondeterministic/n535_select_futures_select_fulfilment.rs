//! category: concurrency-select
//! replay: diverges
//! input: {"order_id": "o-6120", "sku": "sofa-3p", "postcode": "10115"}
//! summary: same-day delivery asks the store and the central warehouse for stock at once and takes the first answer via futures::select! (which picks randomly among ready branches); the winner names the reservation step and is returned
use durable_runtime::prelude::*;
use futures::{select, FutureExt};
use serde::{Deserialize, Serialize};
use std::future::IntoFuture;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryRequest {
    pub order_id: String,
    pub sku: String,
    pub postcode: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StockAnswer {
    pub source: String,
    pub units: u32,
}

#[durable_workflow]
pub async fn hx_same_day_stock_race(ctx: DurableContext, req: DeliveryRequest) -> Result<StockAnswer, DurableError> {
    let (sku1, sku2, pc) = (req.sku.clone(), req.sku.clone(), req.postcode.clone());
    let mut store = ctx
        .step("ask-local-store", move |_| async move {
            Ok::<_, String>(StockAnswer { source: format!("store-{}", &pc[..3]), units: sku1.len() as u32 % 3 })
        })
        .into_future()
        .fuse();
    let mut warehouse = ctx
        .step("ask-central-warehouse", move |_| async move {
            Ok::<_, String>(StockAnswer { source: "central".into(), units: sku2.len() as u32 * 5 })
        })
        .into_future()
        .fuse();

    let first = select! {
        answer = store => answer?,
        answer = warehouse => answer?,
    };
    let (order, source) = (req.order_id.clone(), first.source.clone());
    ctx.step(format!("reserve-at-{}", first.source), move |_| async move { Ok::<_, String>(format!("{order}@{source}")) })
        .await?;
    Ok(first)
}

fn main() {}
