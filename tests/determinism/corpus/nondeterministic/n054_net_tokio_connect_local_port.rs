//! category: network
//! replay: diverges
//! input: {"service": "session-cache", "keys": 3}
//! summary: connects a tokio::net::TcpStream to a local listener (the sidecar) and returns the connection's ephemeral source port as the lease id
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Deserialize)]
pub struct Warmup {
    pub service: String,
    pub keys: u32,
}

#[derive(Debug, Serialize)]
pub struct Lease {
    pub service: String,
    pub lease: String,
}

#[durable_workflow]
pub async fn net_lease_connection(ctx: DurableContext, w: Warmup) -> Result<Lease, DurableError> {
    let net = |e: std::io::Error| DurableError::failure("Sidecar", e.to_string());
    let sidecar = TcpListener::bind("127.0.0.1:0").await.map_err(net)?;
    let addr = sidecar.local_addr().map_err(net)?;
    let (client, accepted) = tokio::join!(TcpStream::connect(addr), sidecar.accept());
    let client = client.map_err(net)?;
    drop(accepted);
    let lease = format!("{}:{}", w.service, client.local_addr().map_err(net)?.port());
    drop(client);
    let keys = w.keys;
    ctx.step("prime-cache", move |_| async move { Ok::<_, String>(keys) }).await?;
    Ok(Lease {
        service: w.service,
        lease,
    })
}

fn main() {}
