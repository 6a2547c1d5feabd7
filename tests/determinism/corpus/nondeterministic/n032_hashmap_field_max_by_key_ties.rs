//! category: hashmap-iteration
//! replay: diverges
//! input: {"bins": {"A1": 4, "B2": 4, "C3": 4, "D4": 4, "E5": 2}}
//! summary: a method on a struct with a HashMap field picks the fullest bin with max_by_key over .iter(); ties are broken by iteration order
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Inventory {
    pub bins: HashMap<String, u32>,
}

impl Inventory {
    fn fullest_bin(&self) -> Option<&str> {
        self.bins
            .iter()
            .max_by_key(|(_, load)| **load)
            .map(|(bin, _)| bin.as_str())
    }
}

#[durable_workflow]
pub async fn hashmap_rebalance_bins(ctx: DurableContext, inv: Inventory) -> Result<String, DurableError> {
    let from = inv.fullest_bin().unwrap_or("none").to_owned();
    let moved = from.clone();
    ctx.step(format!("move-half-out-of-{from}"), move |_| async move { Ok::<_, String>(moved) })
        .await?;
    Ok(from)
}

fn main() {}
