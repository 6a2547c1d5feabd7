//! The AWS Lambda backend (feature `lambda`): run a workflow as a durable Lambda function.
//!
//! ```no_run
//! use durable_runtime::prelude::*;
//!
//! #[durable_workflow]
//! async fn greeter(ctx: DurableContext, name: String) -> Result<String, DurableError> {
//!     ctx.step("greet", move |_| async move { Ok::<_, DurableError>(format!("hello, {name}")) }).await
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), durable_runtime::lambda::Error> {
//!     durable_runtime::lambda::run(Greeter).await
//! }
//! ```
//!
//! Per invocation, [`run`] parses the durable event ([`parse_event`]: epoch-millisecond
//! timestamps, `DurableExecutionArn` and `CheckpointToken` required), loads every state page
//! (`GetDurableExecutionState` with `NextMarker`), replays the workflow, checkpoints through
//! `CheckpointDurableExecution` (rotating tokens) and returns `SUCCEEDED` / `FAILED` /
//! `PENDING`. Results above 6 MiB − 50 B go through an `EXECUTION` checkpoint. A retryable
//! checkpoint error (5xx, throttling after the SDK's own retries, network, stale token)
//! makes the invocation return an error, so Lambda re-invokes it; a terminal one fails the
//! execution. The Lambda client comes from the standard AWS configuration
//! ([`sdk_config`]), so `AWS_ENDPOINT_URL_LAMBDA` points it at an emulator.
//!
//! [`DurableClient`] is the outside world's side: callbacks, executions, history, stop.

mod checkpoint;
mod client;
mod convert;

/// The AWS SDK for Lambda this backend is built on (to configure a client by hand).
pub use aws_sdk_lambda as sdk;
pub use checkpoint::{classify_sdk_error, LambdaCheckpointClient};
pub use client::{ClientError, DurableClient, ExecutionInfo};
pub use convert::{event_from_sdk, operation_from_sdk, operations_from_sdk, update_to_sdk};

use crate::checkpoint::CheckpointClient;
use crate::config::ExecutionConfig;
use crate::error::InvocationError;
use crate::invocation::run_invocation;
use crate::wire::{InvocationInput, InvocationOutput};
use crate::workflow::Workflow;
use aws_config::retry::RetryConfig;
use aws_config::BehaviorVersion;
use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};
use serde_json::Value;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// The error a Lambda entry point returns (the runtime could not start or stopped).
pub type Error = lambda_runtime::Error;

/// The AWS configuration the Lambda backend uses: the standard chain (environment, profile,
/// container / instance role; `AWS_ENDPOINT_URL_LAMBDA` overrides the endpoint), with the
/// standard retry mode at 4 attempts and 100 ms – 2 s exponential backoff, so throttling
/// (429) and 5xx responses are retried inside each call before the invocation gives up.
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(4)
                .with_initial_backoff(Duration::from_millis(100))
                .with_max_backoff(Duration::from_secs(2)),
        )
        .load()
        .await
}

/// Parses a durable invocation event (PROTOCOL.md §1.1). Anything that is not one (not an
/// object, wrong field types, missing or empty `DurableExecutionArn` / `CheckpointToken`) is
/// [`InvocationError::MalformedEvent`].
pub fn parse_event(event: Value) -> Result<InvocationInput, InvocationError> {
    let input: InvocationInput = serde_json::from_value(event).map_err(|e| {
        InvocationError::MalformedEvent(format!(
            "invocation payload is not a durable execution event ({e})"
        ))
    })?;
    check_event(input)
}

/// [`parse_event`] over raw bytes.
pub fn parse_event_slice(event: &[u8]) -> Result<InvocationInput, InvocationError> {
    let input: InvocationInput = serde_json::from_slice(event).map_err(|e| {
        InvocationError::MalformedEvent(format!(
            "invocation payload is not a durable execution event ({e})"
        ))
    })?;
    check_event(input)
}

fn check_event(input: InvocationInput) -> Result<InvocationInput, InvocationError> {
    if input.durable_execution_arn.is_empty() {
        return Err(InvocationError::MalformedEvent(
            "DurableExecutionArn is missing (is durability configured for this function?)".into(),
        ));
    }
    if input.checkpoint_token.is_empty() {
        return Err(InvocationError::MalformedEvent(
            "CheckpointToken is missing".into(),
        ));
    }
    Ok(input)
}

/// Runs `workflow` as this Lambda function's handler, with the default [`ExecutionConfig`],
/// until the Lambda runtime stops.
///
/// Logging: with a `tracing` subscriber installed (`tracing_subscriber::fmt().json().init()`,
/// or `lambda_runtime::tracing::init_default_subscriber()` with `lambda_runtime`'s default
/// `tracing` feature), `ctx.logger()` records are events of target `durable::log` inside the
/// `invocation`, `context` and `step` spans (see [`crate::telemetry`]); without one, they are
/// JSON lines on standard output with a top-level `executionArn`. [`run_with_config`] with a
/// [`crate::JsonLinesSink`] or [`crate::TracingSink`] as `log_sink` forces either.
pub async fn run<W: Workflow>(workflow: W) -> Result<(), Error> {
    run_with_config(workflow, |_| ExecutionConfig::default()).await
}

/// [`run`] with an [`ExecutionConfig`] built per invocation (log sink, plugins).
pub async fn run_with_config<W, C>(workflow: W, config: C) -> Result<(), Error>
where
    W: Workflow,
    C: Fn(&InvocationInput) -> ExecutionConfig + Send + Sync + 'static,
{
    let workflow = Arc::new(workflow);
    let config = Arc::new(config);
    serve(move |event, client| {
        let workflow = workflow.clone();
        let config = config(&event);
        async move { run_invocation(&*workflow, event, client, config).await }
    })
    .await
}

/// The lowest-level entry point: runs `handler` for every parsed invocation event, with the
/// checkpoint client built once from [`sdk_config`]. A malformed event and an `Err` from
/// `handler` become function errors (the service retries the invocation).
pub async fn serve<F, Fut>(handler: F) -> Result<(), Error>
where
    F: Fn(InvocationInput, Arc<dyn CheckpointClient>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<InvocationOutput, InvocationError>> + Send + 'static,
{
    let client: Arc<dyn CheckpointClient> = Arc::new(LambdaCheckpointClient::from_env().await);
    let handler = Arc::new(handler);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let client = client.clone();
        let handler = handler.clone();
        async move {
            let input = parse_event(event.payload).map_err(diagnostic)?;
            handler(input, client).await.map_err(diagnostic)
        }
    }))
    .await
}

/// How an invocation error is reported to Lambda.
fn diagnostic(error: InvocationError) -> Diagnostic {
    let error_type = match &error {
        InvocationError::MalformedEvent(_) => "MalformedDurableEvent".to_owned(),
        InvocationError::Checkpoint(e) => e.code.clone(),
    };
    Diagnostic {
        error_type,
        error_message: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_events_are_typed_errors() {
        for bad in [
            serde_json::json!({}),
            serde_json::json!(null),
            serde_json::json!("x"),
            serde_json::json!({"DurableExecutionArn": "a"}),
            serde_json::json!({"DurableExecutionArn": "a", "CheckpointToken": ""}),
            serde_json::json!({"DurableExecutionArn": "", "CheckpointToken": "t"}),
            serde_json::json!({"DurableExecutionArn": 1, "CheckpointToken": "t"}),
            serde_json::json!({"DurableExecutionArn": "a", "CheckpointToken": "t",
                "InitialExecutionState": {"Operations": [{"Id": "x"}]}}),
        ] {
            let err = parse_event(bad.clone()).unwrap_err();
            assert!(
                matches!(err, InvocationError::MalformedEvent(_)),
                "{bad}: {err:?}"
            );
        }
        let ok =
            parse_event(serde_json::json!({"DurableExecutionArn": "a/b", "CheckpointToken": "t"})).unwrap();
        assert_eq!(ok.durable_execution_arn, "a/b");
        assert!(parse_event_slice(b"{not json").is_err());
    }
}
