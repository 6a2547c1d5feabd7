//! category: step-fn
//! input: {"repo": "billing-service", "ref": "v1.4.2"}
//! summary: a #[step] fn runs std::process::Command (git-like tooling, here `uname`) and reads std::process::id(); the workflow only runs the step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Release {
    pub repo: String,
    pub r#ref: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildInfo {
    pub builder_os: String,
    pub builder_pid: u32,
}

#[step(name = "build-release", retry = "none")]
async fn build_release(repo: String, git_ref: String) -> Result<BuildInfo, String> {
    let out = std::process::Command::new("uname").arg("-s").output().map_err(|e| e.to_string())?;
    let _ = (repo, git_ref);
    Ok(BuildInfo {
        builder_os: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        builder_pid: std::process::id(),
    })
}

#[durable_workflow]
pub async fn legit_cut_release(ctx: DurableContext, r: Release) -> Result<String, DurableError> {
    let info = ctx.run(build_release(r.repo.clone(), r.r#ref.clone())).await?;
    ctx.wait("staging-soak", Duration::from_secs(1800)).await?;
    Ok(format!("{}@{} built on {}", r.repo, r.r#ref, if info.builder_os.is_empty() { "?" } else { "a builder" }))
}

fn main() {}
