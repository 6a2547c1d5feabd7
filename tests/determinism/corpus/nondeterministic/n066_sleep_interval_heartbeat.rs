//! category: sleeping
//! replay: same
//! input: {"lease": "lock-7", "beats": 3}
//! summary: keeps a lease alive with tokio::time::interval ticks (a few ms) in the body between steps; the operations do not depend on the ticks
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Lease {
    pub lease: String,
    pub beats: u32,
}

#[durable_workflow]
pub async fn sleep_hold_lease(ctx: DurableContext, l: Lease) -> Result<u32, DurableError> {
    let mut ticker = tokio::time::interval(std::time::Duration::from_millis(4));
    for beat in 0..l.beats {
        ticker.tick().await;
        let lease = l.lease.clone();
        ctx.step(format!("heartbeat-{beat}"), move |_| async move { Ok::<_, String>(lease) })
            .await?;
    }
    Ok(l.beats)
}

fn main() {}
