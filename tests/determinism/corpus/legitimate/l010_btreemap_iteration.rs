//! category: ordered-collections
//! input: {"order_id": 12, "stock": {"apple": 3, "banana": 6, "cherry": 1, "date": 4, "elderberry": 2}}
//! summary: reserves stock with one step per entry of an input BTreeMap (`for (sku, qty) in &order.stock`), in key order
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct StockOrder {
    pub order_id: u64,
    pub stock: BTreeMap<String, u32>,
}

#[durable_workflow]
pub async fn legit_reserve_sorted_stock(ctx: DurableContext, order: StockOrder) -> Result<u32, DurableError> {
    let mut reserved = 0;
    for (sku, qty) in &order.stock {
        let qty = *qty;
        reserved += ctx
            .step(format!("reserve-{sku}"), move |_| async move { Ok::<_, String>(qty) })
            .await?;
    }
    Ok(reserved)
}

fn main() {}
