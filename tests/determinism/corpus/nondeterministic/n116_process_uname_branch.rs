//! category: process
//! replay: same
//! input: {"package": "agent", "version": "3.1.0"}
//! summary: picks the installer step from `uname -s` run with std::process::Command in the body; the OS does not change between runs
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::process::{Command, Stdio};

#[derive(Debug, Clone, Deserialize)]
pub struct Install {
    pub package: String,
    pub version: String,
}

#[durable_workflow]
pub async fn process_install_agent(ctx: DurableContext, i: Install) -> Result<String, DurableError> {
    let os = Command::new("uname")
        .arg("-s")
        .stderr(Stdio::null())
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_lowercase())
        .unwrap_or_else(|| "unknown".into());
    let pkg = format!("{}-{}", i.package, i.version);
    if matches!(os.as_str(), "linux") {
        ctx.step("install-deb", move |_| async move { Ok::<_, String>(pkg) }).await
    } else {
        ctx.step("install-tarball", move |_| async move { Ok::<_, String>(pkg) }).await
    }
}

fn main() {}
