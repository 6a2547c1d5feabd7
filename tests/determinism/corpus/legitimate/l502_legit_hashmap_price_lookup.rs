//! category: legit-hashmap-lookup
//! input: {"order_id": "o-3", "lines": [{"sku": "espresso", "qty": 2}, {"sku": "croissant", "qty": 3}, {"sku": "latte", "qty": 1}, {"sku": "muffin", "qty": 2}]}
//! summary: cafe order uses a HashMap price table only for get() lookups while iterating the input's Vec of lines in order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Line {
    pub sku: String,
    pub qty: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CafeOrder {
    pub order_id: String,
    pub lines: Vec<Line>,
}

fn price_table() -> HashMap<&'static str, u64> {
    HashMap::from([("espresso", 250), ("latte", 380), ("croissant", 290), ("muffin", 310), ("tea", 200)])
}

#[durable_workflow]
pub async fn hx_legit_price_cafe_order(ctx: DurableContext, order: CafeOrder) -> Result<u64, DurableError> {
    let prices = price_table();
    let mut total = 0;
    for (i, line) in order.lines.iter().enumerate() {
        let unit = prices.get(line.sku.as_str()).copied().unwrap_or(0);
        let (sku, qty) = (line.sku.clone(), line.qty);
        total += ctx
            .step(format!("prepare-{i}-{sku}"), move |_| async move { Ok::<_, String>(unit * u64::from(qty)) })
            .await?;
    }
    let id = order.order_id.clone();
    ctx.step("print-receipt", move |_| async move { Ok::<_, String>(format!("{id}: {total}")) }).await?;
    Ok(total)
}

fn main() {}
