//! category: hashmap-iteration
//! replay: diverges
//! input: {"fleet": "scooters-lisbon", "battery_pct": {"sc-101": 12, "sc-102": 88, "sc-103": 7, "sc-104": 19, "sc-105": 3, "sc-106": 15, "sc-107": 64}}
//! summary: fleet maintenance retains low-battery scooters in the input's HashMap and turns them with .into_iter().map(..).collect() into named ctx.parallel branches, so branch order (and the result) follows hash order
use durable_runtime::prelude::*;
use durable_runtime::Branch;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FleetStatus {
    pub fleet: String,
    pub battery_pct: HashMap<String, u8>,
}

#[durable_workflow]
pub async fn hx_dispatch_battery_swaps(ctx: DurableContext, status: FleetStatus) -> Result<Vec<String>, DurableError> {
    let fleet = status.fleet.clone();
    ctx.step("sync-telemetry", move |_| async move { Ok::<_, String>(fleet) }).await?;

    let mut low = status.battery_pct.clone();
    low.retain(|_, pct| *pct < 20);
    let branches: Vec<Branch<String>> = low
        .into_iter()
        .map(|(scooter, pct)| {
            Branch::named(format!("swap-{scooter}"), move |b: DurableContext| async move {
                b.step("assign-swapper", move |_| async move { Ok::<_, String>(format!("{scooter}@{pct}%")) })
                    .await
            })
        })
        .collect();
    let swaps = ctx.parallel("battery-swaps", branches).max_concurrency(3).await?;
    swaps.throw_if_error()?;
    ctx.wait("swap-window", Duration::from_secs(2 * 3600)).await?;
    Ok(swaps.into_results())
}

fn main() {}
