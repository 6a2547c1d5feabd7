//! category: helper-fn
//! replay: diverges
//! input: {"picklist": "PL-88", "lines": [{"sku": "bolt-m6", "qty": 40}, {"sku": "nut-m6", "qty": 40}, {"sku": "washer", "qty": 80}, {"sku": "bracket", "qty": 6}, {"sku": "bolt-m6", "qty": 10}]}
//! summary: picking workflow aggregates lines with a helper returning a HashMap (index_by_sku) and iterates the helper's result directly, so the pick steps follow hash order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PickLine {
    pub sku: String,
    pub qty: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PickList {
    pub picklist: String,
    pub lines: Vec<PickLine>,
}

fn index_by_sku(lines: &[PickLine]) -> HashMap<String, u32> {
    let mut totals = HashMap::new();
    for line in lines {
        *totals.entry(line.sku.clone()).or_insert(0) += line.qty;
    }
    totals
}

#[durable_workflow]
pub async fn hx_pick_warehouse_items(ctx: DurableContext, list: PickList) -> Result<Vec<String>, DurableError> {
    let mut bins = Vec::new();
    for (sku, qty) in index_by_sku(&list.lines) {
        let s = sku.clone();
        let bin: String = ctx
            .step(format!("pick-{sku}"), move |_| async move { Ok::<_, String>(format!("{s}x{qty}")) })
            .await?;
        bins.push(bin);
    }
    let id = list.picklist.clone();
    ctx.step("close-picklist", move |_| async move { Ok::<_, String>(id) }).await?;
    Ok(bins)
}

fn main() {}
