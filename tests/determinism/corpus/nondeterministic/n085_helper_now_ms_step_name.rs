//! category: helper-fn
//! replay: diverges
//! input: {"build": "web-1.9.0", "targets": ["linux", "mac"]}
//! summary: a plain helper fn `now_micros()` reads SystemTime::now(); the body uses it to version the artifact step names
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Deserialize)]
pub struct Build {
    pub build: String,
    pub targets: Vec<String>,
}

fn now_micros() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or(0)
}

#[durable_workflow]
pub async fn helper_publish_artifacts(ctx: DurableContext, b: Build) -> Result<String, DurableError> {
    let version = format!("{}+{}", b.build, now_micros());
    for target in &b.targets {
        let t = target.clone();
        ctx.step(format!("upload-{version}-{target}"), move |_| async move { Ok::<_, String>(t) })
            .await?;
    }
    Ok(version)
}

fn main() {}
