//! category: compile-time-env
//! input: {"agent": "collector", "hosts": 2}
//! summary: branches on std::env::consts::OS and tags with env!("CARGO_PKG_VERSION") / option_env!(..), all fixed at compile time
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct AgentRollout {
    pub agent: String,
    pub hosts: u32,
}

const BUILD_CHANNEL: &str = match option_env!("DURABLE_DETERMINISM_CHANNEL") {
    Some(c) => c,
    None => "stable",
};

#[durable_workflow]
pub async fn legit_rollout_agent(ctx: DurableContext, a: AgentRollout) -> Result<String, DurableError> {
    let package = if std::env::consts::OS == "linux" { "deb" } else { "tarball" };
    let version = env!("CARGO_PKG_VERSION");
    for host in 0..a.hosts {
        let tag = format!("{}-{version}-{BUILD_CHANNEL}", a.agent);
        ctx.step(format!("install-{package}-host-{host}"), move |_| async move { Ok::<_, String>(tag) })
            .await?;
    }
    Ok(format!("{} {version} ({package}, {})", a.agent, std::env::consts::ARCH))
}

fn main() {}
