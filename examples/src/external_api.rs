//! The seed's "built-in retry logic" workflow: one step calls an unreliable external API and
//! is retried with exponential backoff and full jitter (5 attempts, 1 s initial delay, ×2,
//! capped at 60 s).
//!
//! Between attempts the invocation suspends (no compute is billed while backing off) and the
//! retry state lives in the checkpoint, so it survives a crash. The strategy also classifies
//! errors: an outage ([`ApiUnavailable`], HTTP 5xx/429) is retried, a rejected request
//! ([`ApiRejected`], HTTP 4xx) is not: retrying it would fail the same way.

use durable_runtime::prelude::*;
use durable_runtime::StepContext;
use serde::{Deserialize, Serialize};

/// The call to make.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiRequest {
    /// Where (the stand-in API recognizes `/reject` as a bad request).
    pub endpoint: String,
    /// The payload.
    pub data: serde_json::Value,
    /// How many attempts the stand-in API answers 503 before it recovers.
    #[serde(default)]
    pub fail_times: u32,
}

/// The API's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiResponse {
    /// HTTP status.
    pub status: u16,
    /// Which attempt got through.
    pub attempt: u32,
    /// The body.
    pub body: serde_json::Value,
}

/// A transient failure: worth retrying.
#[derive(Debug)]
pub struct ApiUnavailable {
    /// HTTP status (5xx or 429).
    pub status: u16,
}

impl std::fmt::Display for ApiUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: service unavailable", self.status)
    }
}

/// A permanent failure: the request itself is wrong.
#[derive(Debug)]
pub struct ApiRejected {
    /// HTTP status (4xx).
    pub status: u16,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for ApiRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: {}", self.status, self.reason)
    }
}

/// Either failure of the API.
#[derive(Debug)]
pub enum ApiError {
    /// Retry.
    Unavailable(ApiUnavailable),
    /// Do not retry.
    Rejected(ApiRejected),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Unavailable(e) => e.fmt(f),
            ApiError::Rejected(e) => e.fmt(f),
        }
    }
}

/// The stand-in external API: 503 for the first `fail_times` attempts, 400 for `/reject`.
pub fn call_api(request: &ApiRequest, attempt: u32) -> Result<ApiResponse, ApiError> {
    if request.endpoint.ends_with("/reject") {
        return Err(ApiError::Rejected(ApiRejected {
            status: 400,
            reason: "the payload is missing `customer_id`".into(),
        }));
    }
    if attempt <= request.fail_times {
        return Err(ApiError::Unavailable(ApiUnavailable { status: 503 }));
    }
    Ok(ApiResponse {
        status: 200,
        attempt,
        body: serde_json::json!({ "endpoint": request.endpoint, "echo": request.data }),
    })
}

/// The seed's policy (5 attempts, 1 s, ×2, 60 s cap) with full jitter, retrying only
/// transient failures. A retry strategy is any `Fn(&StepFailure, attempts) -> RetryDecision`;
/// a [`RetryPolicy`] with a filter covers the common cases.
pub fn api_retry() -> RetryPolicy {
    RetryPolicy::exponential()
        .max_attempts(5)
        .initial_delay(Duration::from_secs(1))
        .max_delay(Duration::from_secs(60))
        .backoff_rate(2.0)
        .jitter(Jitter::Full)
        // The wire form of `ApiError::Unavailable`'s message starts with `HTTP 5..` or `429`.
        .retry_if(|failure| {
            let message = failure.error.message();
            message.starts_with("HTTP 5") || message.starts_with("HTTP 429")
        })
}

/// Calls the API; each failed attempt is retried per [`api_retry`].
#[step(name = "call-external-api", retry_with = api_retry)]
pub async fn call_external_api(request: ApiRequest, step: StepContext) -> Result<ApiResponse, ApiError> {
    step.logger
        .info(format!("calling {} (attempt {})", request.endpoint, step.attempt));
    call_api(&request, step.attempt)
}

/// Calls the API reliably.
#[durable_workflow(name = "reliable-api-call")]
pub async fn reliable_api_call(
    ctx: DurableContext,
    request: ApiRequest,
) -> Result<ApiResponse, DurableError> {
    ctx.run(call_external_api(request)).await
}
