//! category: look-alike-names
//! input: {"hosts": ["API.Example.invalid.", "cdn.example.invalid", "10.0.0.8"]}
//! summary: the user's own `mod net` with `normalize` and `is_ip` helpers (pure string work) decides the steps
use durable_runtime::prelude::*;
use serde::Deserialize;

mod net {
    pub fn normalize(host: &str) -> String {
        host.trim_end_matches('.').to_ascii_lowercase()
    }

    pub fn is_ip(host: &str) -> bool {
        host.parse::<std::net::IpAddr>().is_ok()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Certs {
    pub hosts: Vec<String>,
}

#[durable_workflow]
pub async fn legit_issue_certs(ctx: DurableContext, c: Certs) -> Result<Vec<String>, DurableError> {
    let mut issued = Vec::new();
    for host in c.hosts.iter().map(|h| net::normalize(h)) {
        if net::is_ip(&host) {
            continue;
        }
        let h = host.clone();
        ctx.step(format!("issue-cert-{host}"), move |_| async move { Ok::<_, String>(h) }).await?;
        issued.push(host);
    }
    Ok(issued)
}

fn main() {}
