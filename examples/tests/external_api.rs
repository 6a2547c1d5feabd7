//! The unreliable API behind a retry policy: exponential backoff with full jitter, transient
//! errors retried, permanent ones not.

use durable_examples::external_api::{api_retry, ApiRequest, ApiResponse, ReliableApiCall};
use durable_runtime::local::ExecutionStatus;
use durable_runtime::testing::{TestResult, TestRunner};
use durable_runtime::wire::{ErrorObject, OperationStatus};
use durable_runtime::{RetryStrategy, StepFailure};
use serde_json::json;

fn request(endpoint: &str, fail_times: u32) -> ApiRequest {
    ApiRequest {
        endpoint: endpoint.into(),
        data: json!({"customer_id": "c-1"}),
        fail_times,
    }
}

/// Start times (ms) of each attempt of the API step.
fn attempt_starts(r: &TestResult) -> Vec<i64> {
    r.history()
        .iter()
        .filter(|e| e.event_type == "StepStarted" && e.name.as_deref() == Some("call-external-api"))
        .map(|e| e.event_timestamp.0)
        .collect()
}

#[tokio::test]
async fn succeeds_after_two_outages() {
    let execution = TestRunner::new(ReliableApiCall)
        .run(&request("https://api.example/orders", 2))
        .await
        .unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let response: ApiResponse = execution.output().unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.attempt, 3);
    assert_eq!(response.body["echo"]["customer_id"], "c-1");
    let op = execution.operation("call-external-api").unwrap();
    assert_eq!(op.status, OperationStatus::Succeeded);
    // Each retry suspends the invocation: three attempts, three invocations.
    assert_eq!(execution.invocations(), 3);
    // Backoff with full jitter: at most 1 s, then at most 2 s (whole seconds, at least 1).
    let starts = attempt_starts(&execution);
    assert_eq!(starts.len(), 3);
    let gaps: Vec<i64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    assert!((1000..=1999).contains(&gaps[0]), "first backoff {gaps:?}");
    assert!((1000..=2999).contains(&gaps[1]), "second backoff {gaps:?}");
}

#[tokio::test]
async fn gives_up_after_five_attempts() {
    let execution = TestRunner::new(ReliableApiCall)
        .run(&request("https://api.example/orders", 99))
        .await
        .unwrap();
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    let error = execution.error().unwrap();
    assert_eq!(error.type_name(), "ApiError");
    assert_eq!(error.message(), "HTTP 503: service unavailable");
    assert_eq!(attempt_starts(&execution).len(), 5);
    assert_eq!(
        execution.operation("call-external-api").unwrap().status,
        OperationStatus::Failed
    );
}

#[tokio::test]
async fn a_rejected_request_is_not_retried() {
    let execution = TestRunner::new(ReliableApiCall)
        .run(&request("https://api.example/reject", 0))
        .await
        .unwrap();
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    assert!(execution.error().unwrap().message().starts_with("HTTP 400"));
    assert_eq!(attempt_starts(&execution).len(), 1);
    assert_eq!(execution.invocations(), 1);
}

#[tokio::test]
async fn the_api_can_be_mocked() {
    let runner = TestRunner::new(ReliableApiCall);
    runner.mock_step(
        "call-external-api",
        json!({"status": 201, "attempt": 1, "body": {"mocked": true}}),
    );
    let execution = runner
        .run(&request("https://api.example/orders", 3))
        .await
        .unwrap();
    let response: ApiResponse = execution.output().unwrap();
    assert_eq!(response.status, 201);
    assert_eq!(execution.invocations(), 1);
}

#[test]
fn the_policy_backs_off_exponentially_up_to_the_cap() {
    let policy = api_retry();
    let outage = ErrorObject::new("ApiError", "HTTP 503: service unavailable");
    let failure = StepFailure {
        error: &outage,
        source: None,
    };
    for attempt in 1..5 {
        let decision = policy.decide(&failure, attempt);
        assert!(decision.should_retry);
        let cap = 2f64.powi(attempt as i32 - 1);
        assert!(
            decision.delay.as_secs_f64() <= cap,
            "attempt {attempt}: {decision:?}"
        );
    }
    assert!(!policy.decide(&failure, 5).should_retry, "five attempts in all");
    assert_eq!(policy.base_delay(10).as_secs(), 60, "capped at 60 s");
    let rejected = ErrorObject::new("ApiError", "HTTP 400: bad request");
    assert!(
        !policy
            .decide(
                &StepFailure {
                    error: &rejected,
                    source: None
                },
                1
            )
            .should_retry
    );
}
