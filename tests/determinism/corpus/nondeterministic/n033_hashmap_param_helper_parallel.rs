//! category: hashmap-iteration
//! replay: diverges
//! input: {"routes": {"eu-west": 120, "us-east": 80, "ap-south": 200, "sa-east": 95, "af-south": 60}}
//! summary: a helper taking &HashMap builds ctx.parallel branches from .iter(), so branch order and names vary
use durable_runtime::prelude::*;
use durable_runtime::Branch;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct LatencyMap {
    pub routes: HashMap<String, u32>,
}

fn slow_routes(routes: &HashMap<String, u32>, limit: u32) -> Vec<(String, u32)> {
    routes
        .iter()
        .filter(|(_, ms)| **ms > limit)
        .map(|(r, ms)| (r.clone(), *ms))
        .collect()
}

#[durable_workflow]
pub async fn hashmap_probe_routes(ctx: DurableContext, m: LatencyMap) -> Result<Vec<String>, DurableError> {
    let branches: Vec<Branch<String>> = slow_routes(&m.routes, 70)
        .into_iter()
        .map(|(route, ms)| {
            Branch::named(format!("probe-{route}"), move |c: DurableContext| async move {
                c.step("traceroute", move |_| async move { Ok::<_, String>(format!("{route}:{ms}")) })
                    .await
            })
        })
        .collect();
    let out = ctx.parallel("probe-slow-routes", branches).await?;
    Ok(out.into_results())
}

fn main() {}
