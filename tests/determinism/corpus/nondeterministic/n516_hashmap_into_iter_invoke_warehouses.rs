//! category: hashmap-iteration
//! replay: diverges
//! input: {"order_id": "o-5521", "lines": [{"sku": "desk", "warehouse": "berlin", "qty": 1}, {"sku": "chair", "warehouse": "lyon", "qty": 4}, {"sku": "lamp", "warehouse": "milan", "qty": 2}, {"sku": "rug", "warehouse": "porto", "qty": 1}, {"sku": "shelf", "warehouse": "berlin", "qty": 3}]}
//! summary: order fulfilment groups lines per warehouse in a HashMap and consumes it with into_iter(), starting one chained invoke per warehouse in hash order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Line {
    pub sku: String,
    pub warehouse: String,
    pub qty: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Order {
    pub order_id: String,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PickRequest {
    pub order_id: String,
    pub skus: Vec<String>,
}

#[durable_workflow]
pub async fn hx_split_fulfilment(ctx: DurableContext, order: Order) -> Result<u32, DurableError> {
    let id = order.order_id.clone();
    ctx.step("lock-order", move |_| async move { Ok::<_, String>(id) }).await?;

    let mut per_warehouse: HashMap<String, Vec<String>> = HashMap::new();
    for line in &order.lines {
        per_warehouse.entry(line.warehouse.clone()).or_default().push(line.sku.clone());
    }

    let mut dispatched = 0;
    for (warehouse, skus) in per_warehouse.into_iter() {
        let request = PickRequest { order_id: order.order_id.clone(), skus };
        let picked: Result<bool, DurableError> = ctx
            .invoke(format!("pick-{warehouse}"), format!("wms-{warehouse}"), request)
            .await;
        if picked.unwrap_or(false) {
            dispatched += 1;
        }
    }
    Ok(dispatched)
}

fn main() {}
