//! category: helper-fn
//! replay: diverges
//! input: {"stops": ["depot", "north", "east", "south", "west"]}
//! summary: the body calls plan_route(), which calls score_stop(), which reads Instant::now(); the scores order the delivery steps
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::time::Instant;

#[derive(Debug, Clone, Deserialize)]
pub struct Route {
    pub stops: Vec<String>,
}

fn score_stop(stop: &str, epoch: Instant) -> u128 {
    // "Freshness" of the traffic data.
    (epoch.elapsed().as_nanos() % 1000) + stop.len() as u128
}

fn plan_route(stops: &[String]) -> Vec<String> {
    let epoch = Instant::now();
    let mut scored: Vec<(u128, String)> = stops.iter().map(|s| (score_stop(s, epoch), s.clone())).collect();
    scored.sort();
    scored.into_iter().map(|(_, s)| s).collect()
}

#[durable_workflow]
pub async fn helper_deliver_route(ctx: DurableContext, r: Route) -> Result<Vec<String>, DurableError> {
    let plan = plan_route(&r.stops);
    for (i, stop) in plan.iter().enumerate() {
        let s = stop.clone();
        ctx.step(format!("stop-{i}-{stop}"), move |_| async move { Ok::<_, String>(s) }).await?;
    }
    Ok(plan)
}

fn main() {}
