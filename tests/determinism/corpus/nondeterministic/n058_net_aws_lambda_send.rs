//! category: network
//! replay: same
//! input: {"function": "thumbnailer", "key": "photos/cat.jpg"}
//! summary: calls Lambda directly with an aws-sdk-lambda client's .invoke()...send() in the body (endpoint on a closed local port) and falls back to a step; every run fails the same way
use aws_sdk_lambda::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_lambda::primitives::Blob;
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Thumb {
    pub function: String,
    pub key: String,
}

fn lambda_client() -> aws_sdk_lambda::Client {
    let config = aws_sdk_lambda::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "static"))
        .endpoint_url("http://127.0.0.1:9")
        .retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_lambda::Client::from_conf(config)
}

#[durable_workflow]
pub async fn net_direct_lambda_call(ctx: DurableContext, t: Thumb) -> Result<String, DurableError> {
    let payload = serde_json::json!({ "key": t.key }).to_string();
    let direct = lambda_client()
        .invoke()
        .function_name(&t.function)
        .payload(Blob::new(payload))
        .send()
        .await;
    match direct {
        Ok(out) => Ok(format!("status {}", out.status_code())),
        Err(_) => {
            let key = t.key.clone();
            ctx.step("thumbnail-locally", move |_| async move { Ok::<_, String>(format!("{key}.thumb")) })
                .await
        }
    }
}

fn main() {}
