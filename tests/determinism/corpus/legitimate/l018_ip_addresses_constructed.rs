//! category: look-alike-std
//! input: {"client_ip": "10.20.30.40", "port": 443}
//! summary: classifies the input address with std::net::Ipv4Addr::new(..) ranges and "1.2.3.4".parse::<IpAddr>(), with no I/O
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

#[derive(Debug, Clone, Deserialize)]
pub struct Rule {
    pub client_ip: String,
    pub port: u16,
}

#[durable_workflow]
pub async fn legit_firewall_rule(ctx: DurableContext, r: Rule) -> Result<String, DurableError> {
    let ip: IpAddr = r
        .client_ip
        .parse()
        .map_err(|e| DurableError::failure("BadInput", format!("{e}")))?;
    let office = Ipv4Addr::new(10, 0, 0, 0);
    let blocked: IpAddr = "1.2.3.4".parse().expect("a literal address");
    let socket = SocketAddr::new(ip, r.port);
    let internal = match ip {
        IpAddr::V4(v4) => v4.octets()[0] == office.octets()[0] || v4.is_private(),
        IpAddr::V6(v6) => v6.is_loopback(),
    };
    let kind = if ip == blocked {
        "block"
    } else if internal {
        "internal"
    } else {
        "external"
    };
    let s = socket.to_string();
    ctx.step(format!("apply-{kind}-rule"), move |_| async move { Ok::<_, String>(s) }).await?;
    Ok(format!("{kind} rule for {}", r.client_ip))
}

fn main() {}
