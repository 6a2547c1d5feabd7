//! category: legit-lookalike-net
//! input: {"rule_id": "fw-19", "source_ip": "10.20.30.40", "port": 5432}
//! summary: firewall change parses the input's address with std::net::Ipv4Addr (pure, no I/O) and branches on is_private() before the apply step and the verification wait
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FirewallChange {
    pub rule_id: String,
    pub source_ip: String,
    pub port: u16,
}

#[durable_workflow]
pub async fn hx_legit_apply_firewall_rule(ctx: DurableContext, change: FirewallChange) -> Result<String, DurableError> {
    let addr: Ipv4Addr = change
        .source_ip
        .parse()
        .map_err(|e| DurableError::failure("InvalidAddress", format!("{}: {e}", change.source_ip)))?;
    let scope = if addr.is_private() { "internal" } else { "external" };
    let [a, b, _, _] = addr.octets();
    let (rule, port) = (change.rule_id.clone(), change.port);
    ctx.step(format!("apply-{scope}-rule"), move |_| async move { Ok::<_, String>(format!("{rule}:{a}.{b}.x.x:{port}")) })
        .await?;
    ctx.wait("propagation", Duration::from_secs(90)).await?;
    let rule = change.rule_id.clone();
    ctx.step("verify-rule", move |_| async move { Ok::<_, String>(rule) }).await?;
    Ok(format!("{scope} rule for {addr}"))
}

fn main() {}
