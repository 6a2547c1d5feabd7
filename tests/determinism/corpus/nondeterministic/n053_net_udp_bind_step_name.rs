//! category: network
//! replay: diverges
//! input: {"metric": "queue_depth", "samples": [3, 9, 4]}
//! summary: opens a tokio::net::UdpSocket on 127.0.0.1:0 to emit statsd metrics and names the step after the socket's local port
use durable_runtime::prelude::*;
use serde::Deserialize;
use tokio::net::UdpSocket;

#[derive(Debug, Clone, Deserialize)]
pub struct Metric {
    pub metric: String,
    pub samples: Vec<u32>,
}

#[durable_workflow]
pub async fn net_emit_metrics(ctx: DurableContext, m: Metric) -> Result<u32, DurableError> {
    let socket = UdpSocket::bind("127.0.0.1:0")
        .await
        .map_err(|e| DurableError::failure("Bind", e.to_string()))?;
    let local = socket.local_addr().map(|a| a.port()).unwrap_or(0);
    let peak = m.samples.iter().copied().max().unwrap_or(0);
    // statsd on the loopback; nobody may listen, UDP does not care.
    let _ = socket.send_to(format!("{}:{peak}|g", m.metric).as_bytes(), "127.0.0.1:9").await;
    ctx.step(format!("record-{}-from-{local}", m.metric), move |_| async move { Ok::<_, String>(peak) })
        .await
}

fn main() {}
