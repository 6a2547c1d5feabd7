//! category: hashmap-sorted
//! input: {"counts": [["bolt", 500], ["nut", 800], ["washer", 1200], ["screw", 300], ["rivet", 90]]}
//! summary: aggregates counts in a HashMap, converts it with .into_iter().collect::<BTreeMap<_, _>>() and sends the sorted map through ctx.invoke
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Deserialize)]
pub struct StockCount {
    pub counts: Vec<(String, u32)>,
}

#[durable_workflow]
pub async fn legit_report_sorted_counts(ctx: DurableContext, s: StockCount) -> Result<bool, DurableError> {
    let mut agg: HashMap<String, u32> = HashMap::with_capacity(s.counts.len());
    for (part, n) in s.counts {
        *agg.entry(part).or_default() += n;
    }
    let sorted: BTreeMap<String, u32> = agg.into_iter().collect();
    let total: u32 = sorted.values().sum();
    match ctx.invoke::<_, bool>(format!("report-{total}"), "stock-ledger", sorted).await {
        Err(e) if e.is_fatal() => Err(e),
        other => Ok(other.unwrap_or(false)),
    }
}

fn main() {}
