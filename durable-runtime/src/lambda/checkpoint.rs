//! [`LambdaCheckpointClient`]: the engine's [`CheckpointClient`] over `aws-sdk-lambda`'s
//! `CheckpointDurableExecution` and `GetDurableExecutionState`, with errors classified as in
//! PROTOCOL.md §1.3.

use super::convert::{operations_from_sdk, update_to_sdk};
use crate::checkpoint::{BoxFuture, CheckpointClient};
use crate::error::CheckpointError;
use crate::wire::{CheckpointRequest, CheckpointResponse, ExecutionStatePage};
use aws_sdk_lambda::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_lambda::Client;
use std::sync::Arc;

/// Page size asked of `GetDurableExecutionState` (the service maximum; both reference SDKs
/// use it).
const STATE_PAGE_SIZE: i32 = 1000;

/// Checkpoints through the Lambda API. Cheap to clone (the SDK client is an `Arc`).
#[derive(Clone, Debug)]
pub struct LambdaCheckpointClient {
    client: Client,
}

impl LambdaCheckpointClient {
    /// Wraps an SDK client (its configuration decides endpoint, credentials and retries).
    pub fn new(client: Client) -> Self {
        LambdaCheckpointClient { client }
    }

    /// A client from the standard AWS configuration (environment, profile, instance role;
    /// `AWS_ENDPOINT_URL_LAMBDA` redirects it), with the retry policy of [`super::sdk_config`].
    pub async fn from_env() -> Self {
        Self::new(Client::new(&super::sdk_config().await))
    }

    /// The SDK client.
    pub fn sdk(&self) -> &Client {
        &self.client
    }
}

impl CheckpointClient for LambdaCheckpointClient {
    fn checkpoint(
        &self,
        execution_arn: &str,
        request: Arc<CheckpointRequest>,
    ) -> BoxFuture<'static, Result<CheckpointResponse, CheckpointError>> {
        let client = self.client.clone();
        let arn = execution_arn.to_owned();
        Box::pin(async move {
            let updates = request
                .updates
                .iter()
                .map(update_to_sdk)
                .collect::<Result<Vec<_>, _>>()?;
            let out = client
                .checkpoint_durable_execution()
                .durable_execution_arn(arn)
                .checkpoint_token(request.checkpoint_token.clone())
                .set_client_token(request.client_token.clone())
                .set_updates(Some(updates))
                .send()
                .await
                .map_err(classify_sdk_error)?;
            let new_execution_state = match out.new_execution_state {
                Some(state) => Some(ExecutionStatePage {
                    operations: shared(operations_from_sdk(
                        state.operations.as_deref().unwrap_or_default(),
                    )?),
                    next_marker: state.next_marker,
                }),
                None => None,
            };
            Ok(CheckpointResponse {
                checkpoint_token: out.checkpoint_token,
                new_execution_state,
            })
        })
    }

    fn get_state(
        &self,
        execution_arn: &str,
        checkpoint_token: &str,
        marker: &str,
    ) -> BoxFuture<'static, Result<ExecutionStatePage, CheckpointError>> {
        let call = self
            .client
            .get_durable_execution_state()
            .durable_execution_arn(execution_arn)
            .checkpoint_token(checkpoint_token)
            .marker(marker)
            .max_items(STATE_PAGE_SIZE);
        Box::pin(async move {
            let out = call.send().await.map_err(classify_sdk_error)?;
            Ok(ExecutionStatePage {
                operations: shared(operations_from_sdk(out.operations())?),
                next_marker: out.next_marker().map(str::to_owned),
            })
        })
    }
}

/// Classifies a failed SDK call (PROTOCOL.md §1.3): a service error by its HTTP status and
/// exception name ([`CheckpointError::classify`]: 5xx, 429 and a stale checkpoint token are
/// retryable, other 4xx terminal); transport failures (connect, timeout, unreadable
/// response) are retryable; a request that could not even be built is terminal.
pub fn classify_sdk_error<E>(err: SdkError<E, aws_sdk_lambda::config::http::HttpResponse>) -> CheckpointError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(se) => {
            let status = se.raw().status().as_u16();
            let (body_code, body_message) = error_body(se.raw().body().bytes());
            let code = se
                .err()
                .code()
                .map(str::to_owned)
                .or(body_code)
                .unwrap_or_else(|| format!("HTTP{status}"));
            let message = se
                .err()
                .message()
                .map(str::to_owned)
                .or(body_message)
                .unwrap_or_default();
            CheckpointError::classify(status, code, message)
        }
        SdkError::ConstructionFailure(_) => CheckpointError::terminal(
            "RequestConstructionFailure",
            DisplayErrorContext(&err).to_string(),
        ),
        SdkError::TimeoutError(_) => {
            CheckpointError::retryable("TimeoutError", DisplayErrorContext(&err).to_string())
        }
        _ => CheckpointError::retryable("NetworkError", DisplayErrorContext(&err).to_string()),
    }
}

/// The exception name and message of an error body the SDK did not recognise (the emulator
/// writes `{"Type": ..., "message": ...}`).
fn error_body(bytes: Option<&[u8]>) -> (Option<String>, Option<String>) {
    let Some(v) = bytes.and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok()) else {
        return (None, None);
    };
    let pick = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(|x| x.as_str()))
            .map(|s| s.rsplit('#').next().unwrap_or(s).to_owned())
    };
    (
        pick(&["__type", "Type", "code", "Code"]),
        pick(&["message", "Message", "errorMessage"]),
    )
}

/// Operations as an execution state page holds them.
fn shared(ops: Vec<durable_core::wire::Operation>) -> Vec<std::sync::Arc<durable_core::wire::Operation>> {
    ops.into_iter().map(std::sync::Arc::new).collect()
}
