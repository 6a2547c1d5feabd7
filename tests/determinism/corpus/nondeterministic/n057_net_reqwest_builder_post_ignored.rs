//! category: network
//! replay: same
//! input: {"deployment": "api-v42", "status": "started"}
//! summary: posts a deploy notification with a chained reqwest Client::builder().timeout(..).build()?.post(..).json(..).send() and ignores the outcome
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Duration as StdDuration;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deploy {
    pub deployment: String,
    pub status: String,
}

async fn notify_chat(event: &Deploy) -> Result<(), reqwest::Error> {
    reqwest::Client::builder()
        .timeout(StdDuration::from_millis(200))
        .no_proxy()
        .build()?
        .post("http://127.0.0.1:9/hooks/deploys")
        .json(event)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

#[durable_workflow]
pub async fn net_deploy_with_chatops(ctx: DurableContext, d: Deploy) -> Result<String, DurableError> {
    let _ = notify_chat(&d).await;
    let name = d.deployment.clone();
    ctx.step("roll-out", move |_| async move { Ok::<_, String>(name) }).await?;
    ctx.wait("bake", Duration::from_secs(600)).await?;
    Ok(format!("{} rolled out", d.deployment))
}

fn main() {}
