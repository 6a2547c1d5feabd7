//! category: global-state
//! replay: diverges
//! input: {"route": "FRA-JFK", "passengers": ["p1", "p2", "p3"]}
//! summary: upgrade allocation keeps the remaining premium-seat budget in a thread_local! Cell decremented in the body; once earlier runs used it up, passengers get the standard-seat step instead
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::cell::Cell;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpgradeRun {
    pub route: String,
    pub passengers: Vec<String>,
}

thread_local! {
    static PREMIUM_SEATS_LEFT: Cell<u32> = const { Cell::new(5) };
}

fn try_take_premium_seat() -> bool {
    PREMIUM_SEATS_LEFT.with(|left| {
        let n = left.get();
        if n == 0 {
            return false;
        }
        left.set(n - 1);
        true
    })
}

#[durable_workflow]
pub async fn hx_allocate_upgrades(ctx: DurableContext, run: UpgradeRun) -> Result<Vec<String>, DurableError> {
    let route = run.route.clone();
    ctx.step("load-seat-map", move |_| async move { Ok::<_, String>(route) }).await?;
    let mut seats = Vec::new();
    for passenger in &run.passengers {
        let cabin = if try_take_premium_seat() { "premium" } else { "standard" };
        let p = passenger.clone();
        let seat: String = ctx
            .step(format!("assign-{cabin}-{passenger}"), move |_| async move { Ok::<_, String>(format!("{p}:{cabin}")) })
            .await?;
        seats.push(seat);
    }
    Ok(seats)
}

fn main() {}
