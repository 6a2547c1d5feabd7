//! category: network
//! replay: same
//! input: {"image_key": "uploads/cat.png", "sizes": [64, 256, 1024]}
//! summary: thumbnail pipeline calls another Lambda directly with aws_sdk_lambda Client::invoke().send() in the body instead of ctx.invoke; the outcome (an error against the closed local endpoint) picks the next step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageJob {
    pub image_key: String,
    pub sizes: Vec<u32>,
}

fn lambda_client() -> aws_sdk_lambda::Client {
    aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::Config::builder()
            .behavior_version_latest()
            .region(aws_sdk_lambda::config::Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .build(),
    )
}

#[durable_workflow]
pub async fn hx_generate_thumbnails(ctx: DurableContext, job: ImageJob) -> Result<String, DurableError> {
    let key = job.image_key.clone();
    let bytes: u64 = ctx
        .step("head-object", move |_| async move { Ok::<_, String>(key.len() as u64 * 4096) })
        .await?;

    let payload = serde_json::json!({ "key": job.image_key, "sizes": job.sizes, "bytes": bytes }).to_string();
    let resized = lambda_client()
        .invoke()
        .function_name("image-resizer")
        .payload(aws_sdk_lambda::primitives::Blob::new(payload.into_bytes()))
        .send()
        .await;

    let next = if resized.is_ok() { "publish-thumbnails" } else { "queue-for-batch-resize" };
    let key = job.image_key.clone();
    ctx.step(next, move |_| async move { Ok::<_, String>(key) }).await?;
    Ok(next.to_owned())
}

fn main() {}
