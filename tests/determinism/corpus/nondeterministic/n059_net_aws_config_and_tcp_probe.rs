//! category: network
//! replay: same
//! input: {"queue": "orders", "batch": 10}
//! summary: loads an SDK config with aws_config::defaults(..).load() and probes the broker with std::net::TcpStream::connect_timeout in the body; both outcomes are the same every run
use aws_config::BehaviorVersion;
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration as StdDuration;

#[derive(Debug, Clone, Deserialize)]
pub struct Drain {
    pub queue: String,
    pub batch: u32,
}

#[durable_workflow]
pub async fn net_drain_queue(ctx: DurableContext, d: Drain) -> Result<String, DurableError> {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-1"))
        .endpoint_url("http://127.0.0.1:9")
        .load()
        .await;
    let region = config.region().map(|r| r.to_string()).unwrap_or_default();
    let broker: SocketAddr = "127.0.0.1:9".parse().expect("a valid address");
    let reachable = TcpStream::connect_timeout(&broker, StdDuration::from_millis(50)).is_ok();
    let batch = d.batch;
    let mode = if reachable { "broker" } else { "poll" };
    ctx.step(format!("drain-{}-{mode}", d.queue), move |_| async move { Ok::<_, String>(batch) })
        .await?;
    Ok(format!("{region}/{mode}"))
}

fn main() {}
