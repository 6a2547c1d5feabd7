//! category: randomness
//! replay: diverges
//! input: {"hosts": ["db-1", "db-2", "db-3", "db-4", "db-5"]}
//! summary: shuffles the hosts with SliceRandom::shuffle(&mut rand::rng()) before patching them one step each
use durable_runtime::prelude::*;
use rand::seq::SliceRandom;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Fleet {
    pub hosts: Vec<String>,
}

#[durable_workflow]
pub async fn rand_rolling_patch(ctx: DurableContext, fleet: Fleet) -> Result<Vec<String>, DurableError> {
    let mut hosts = fleet.hosts;
    // Don't always patch db-1 first.
    hosts.shuffle(&mut rand::rng());
    let mut patched = Vec::new();
    for host in hosts {
        let h = host.clone();
        ctx.step(format!("patch-{host}"), move |_| async move { Ok::<_, String>(h) })
            .await?;
        ctx.wait(format!("soak-{host}"), Duration::from_secs(300)).await?;
        patched.push(host);
    }
    Ok(patched)
}

fn main() {}
