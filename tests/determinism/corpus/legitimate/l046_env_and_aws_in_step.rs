//! category: io-in-step
//! input: {"function": "thumbnailer", "key": "photos/cat.jpg"}
//! summary: reads env vars and calls Lambda through aws-sdk-lambda (closed local endpoint, no retries) inside a step; the failure is recorded and handled
use aws_sdk_lambda::config::{BehaviorVersion, Credentials, Region};
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Thumb {
    pub function: String,
    pub key: String,
}

#[durable_workflow]
pub async fn legit_lambda_in_step(ctx: DurableContext, t: Thumb) -> Result<String, DurableError> {
    let function = t.function.clone();
    let direct: Result<i32, DurableError> = ctx
        .step("invoke-directly", move |_| async move {
            let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
            let config = aws_sdk_lambda::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new(region))
                .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "static"))
                .endpoint_url("http://127.0.0.1:9")
                .retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled())
                .build();
            let out = aws_sdk_lambda::Client::from_conf(config)
                .invoke()
                .function_name(function)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(out.status_code())
        })
        .retry(RetryPresets::none())
        .await;
    Ok(match direct {
        Ok(code) => format!("status {code}"),
        Err(e) if e.is_fatal() => return Err(e),
        Err(_) => format!("{} queued", t.key),
    })
}

fn main() {}
