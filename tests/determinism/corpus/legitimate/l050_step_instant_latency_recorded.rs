//! category: clock-in-step
//! input: {"endpoint": "search", "queries": ["a", "b"]}
//! summary: measures each call's latency with Instant::now()/elapsed() inside the step and branches on the recorded latency
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Probe {
    pub endpoint: String,
    pub queries: Vec<String>,
}

#[durable_workflow]
pub async fn legit_probe_latency(ctx: DurableContext, p: Probe) -> Result<u32, DurableError> {
    let mut slow = 0;
    for (i, q) in p.queries.iter().enumerate() {
        let query = q.clone();
        let micros: u64 = ctx
            .step(format!("query-{i}"), move |_| async move {
                let started = std::time::Instant::now();
                let _ = query.to_uppercase();
                Ok::<_, String>(started.elapsed().as_micros() as u64)
            })
            .await?;
        if micros > 250_000 {
            slow += 1;
            ctx.step(format!("flag-slow-{i}"), move |_| async move { Ok::<_, String>(micros) }).await?;
        }
    }
    Ok(slow)
}

fn main() {}
