//! category: legit-io-in-step
//! input: {"endpoint": "inventory-api", "probes": 3}
//! summary: health check measures latency with std::time::Instant inside each probe step and only branches on the checkpointed latencies' count, never on live timing
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Instant;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HealthCheck {
    pub endpoint: String,
    pub probes: u32,
}

#[durable_workflow]
pub async fn hx_legit_probe_endpoint(ctx: DurableContext, check: HealthCheck) -> Result<String, DurableError> {
    let mut latencies_us = Vec::new();
    for probe in 0..check.probes {
        let endpoint = check.endpoint.clone();
        let micros: u128 = ctx
            .step(format!("probe-{probe}"), move |_| async move {
                let started = Instant::now();
                let _ = std::net::TcpStream::connect(("127.0.0.1", 9));
                let _ = endpoint;
                Ok::<_, String>(started.elapsed().as_micros())
            })
            .retry(RetryPresets::none())
            .await?;
        latencies_us.push(micros);
        if probe + 1 < check.probes {
            ctx.wait(format!("probe-gap-{probe}"), Duration::from_secs(30)).await?;
        }
    }
    ctx.logger().info(format!("{} latencies: {:?}", check.endpoint, latencies_us));
    Ok(format!("{} probes recorded for {}", latencies_us.len(), check.endpoint))
}

fn main() {}
