//! category: hashmap-iteration
//! replay: same
//! input: {"warehouse": "fra", "counts": [["bolt", 500], ["nut", 800], ["washer", 1200], ["screw", 300], ["rivet", 90]]}
//! summary: sends a HashMap as the ctx.invoke payload: serde writes its keys in hash order, so the payload text varies, but as JSON (an object's key order carries no meaning) it is the same every run
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct StockCount {
    pub warehouse: String,
    pub counts: Vec<(String, u32)>,
}

#[durable_workflow]
pub async fn hashmap_report_counts(ctx: DurableContext, s: StockCount) -> Result<bool, DurableError> {
    let counts: HashMap<String, u32> = s.counts.into_iter().collect();
    let reported: Result<bool, DurableError> = ctx
        .invoke(format!("report-{}", s.warehouse), "stock-ledger", counts)
        .await;
    match reported {
        Err(e) if e.is_fatal() => Err(e),
        other => Ok(other.unwrap_or(false)),
    }
}

fn main() {}
