//! category: legit-map-aggregate
//! input: {"warehouse": "WH-2", "stock": {"bolts": 1200, "nuts": 900, "washers": 3000, "brackets": 45, "hinges": 310}}
//! summary: inventory audit sums the HashMap's values and counts low-stock entries (order-independent aggregates) before a step and a wait
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StockSnapshot {
    pub warehouse: String,
    pub stock: HashMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditResult {
    pub total_units: u64,
    pub low_stock_items: usize,
    pub recount_requested: bool,
}

#[durable_workflow]
pub async fn hx_legit_inventory_audit(ctx: DurableContext, snap: StockSnapshot) -> Result<AuditResult, DurableError> {
    let total_units: u64 = snap.stock.values().sum();
    let low_stock_items = snap.stock.values().filter(|n| **n < 100).count();
    let max_units = snap.stock.values().copied().max().unwrap_or(0);
    let wh = snap.warehouse.clone();
    let recount_requested: bool = ctx
        .step("request-recount", move |_| async move { Ok::<_, String>(low_stock_items > 0 && !wh.is_empty()) })
        .await?;
    if recount_requested {
        ctx.wait("recount-window", Duration::from_secs(8 * 3600)).await?;
    }
    ctx.step(format!("publish-audit-{total_units}-{max_units}"), move |_| async move { Ok::<_, String>(total_units) })
        .await?;
    Ok(AuditResult { total_units, low_stock_items, recount_requested })
}

fn main() {}
