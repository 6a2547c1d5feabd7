//! category: network
//! replay: diverges
//! input: {"node": "worker-7"}
//! summary: asks a local "whoami" HTTP endpoint with reqwest which address it sees and registers the node under that address (the client's ephemeral port)
use durable_runtime::prelude::*;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone, Deserialize)]
pub struct NodeInfo {
    pub node: String,
}

/// A one-shot local stand-in for the "what is my address" service.
async fn serve_whoami_once(listener: TcpListener) -> std::io::Result<()> {
    let (mut conn, peer) = listener.accept().await?;
    let mut buf = [0u8; 1024];
    let _ = conn.read(&mut buf).await?;
    let body = peer.to_string();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(response.as_bytes()).await?;
    conn.shutdown().await
}

async fn whoami(url: String) -> Result<String, reqwest::Error> {
    let client = reqwest::Client::builder().no_proxy().build()?;
    client.get(url).send().await?.text().await
}

#[durable_workflow]
pub async fn net_register_node(ctx: DurableContext, n: NodeInfo) -> Result<String, DurableError> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| DurableError::failure("Bind", e.to_string()))?;
    let url = format!("http://{}/whoami", listener.local_addr().map_err(|e| DurableError::failure("Bind", e.to_string()))?);
    let (served, seen) = tokio::join!(serve_whoami_once(listener), whoami(url));
    let _ = served;
    let address = seen.unwrap_or_else(|e| format!("unknown ({e})"));
    let node = n.node.clone();
    ctx.step(format!("register-{node}-at-{address}"), move |_| async move { Ok::<_, String>(node) })
        .await?;
    Ok(address)
}

fn main() {}
