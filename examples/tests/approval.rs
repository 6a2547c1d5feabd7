//! Human approval: approved, rejected and timed-out paths, with the callback answered by name
//! and the 7 days skipped by the virtual clock.

use durable_examples::approval::{Approval, ApprovalInput, ApprovalOutcome, APPROVAL_CALLBACK};
use durable_runtime::local::ExecutionStatus;
use durable_runtime::testing::TestRunner;
use durable_runtime::wire::{ErrorObject, OperationStatus, OperationType};
use serde_json::json;

fn input() -> ApprovalInput {
    serde_json::from_value(json!({
        "requester": "ada",
        "description": "new laptop",
        "amount_cents": 250_000
    }))
    .unwrap()
}

#[tokio::test]
async fn an_approved_request_is_processed() {
    let runner = TestRunner::new(Approval);
    runner.answer_callback(APPROVAL_CALLBACK, json!({"approved": true}));
    let execution = runner.run(&input()).await.unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let outcome: ApprovalOutcome = execution.output().unwrap();
    assert_eq!(outcome.status, "approved");
    assert_eq!(outcome.reference.as_deref(), Some("PO-APR-ada-10000-250000"));
    assert_eq!(
        execution.operation("process-approved").unwrap().status,
        OperationStatus::Succeeded
    );
    // The callback lives inside the wait-for-callback context.
    let wait = execution.operation(APPROVAL_CALLBACK).unwrap();
    assert_eq!(wait.operation_type, OperationType::Context);
    assert!(execution
        .operations()
        .iter()
        .any(|o| o.operation_type == OperationType::Callback
            && o.parent_id.as_deref() == Some(&*wait.id)
            && o.status == OperationStatus::Succeeded));
    // Suspended while waiting: one invocation before the answer, one after.
    assert_eq!(execution.invocations(), 2);
}

#[tokio::test]
async fn a_rejected_request_returns_the_reason() {
    let runner = TestRunner::new(Approval);
    runner.answer_callback(
        APPROVAL_CALLBACK,
        json!({"approved": false, "reason": "over budget"}),
    );
    let execution = runner.run(&input()).await.unwrap();
    let outcome: ApprovalOutcome = execution.output().unwrap();
    assert_eq!(outcome.status, "rejected");
    assert_eq!(outcome.reason.as_deref(), Some("over budget"));
    assert!(execution.operation("process-approved").is_none());
}

#[tokio::test]
async fn nobody_answers_within_seven_days() {
    let execution = TestRunner::new(Approval).run(&input()).await.unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let outcome: ApprovalOutcome = execution.output().unwrap();
    assert_eq!(outcome.status, "expired");
    let callback = execution
        .operations()
        .iter()
        .find(|o| o.operation_type == OperationType::Callback)
        .unwrap();
    assert_eq!(callback.status, OperationStatus::TimedOut);
    // Seven virtual days passed.
    let waited = callback.end_timestamp.unwrap().0 - callback.start_timestamp.unwrap().0;
    assert_eq!(waited, 7 * 24 * 3600 * 1000);
    assert!(execution
        .history()
        .iter()
        .any(|e| e.event_type == "CallbackTimedOut"));
}

#[tokio::test]
async fn a_failed_callback_fails_the_execution() {
    let runner = TestRunner::new(Approval);
    runner.fail_callback(
        APPROVAL_CALLBACK,
        ErrorObject::new("ApprovalSystemDown", "the approval system lost the ticket"),
    );
    let execution = runner.run(&input()).await.unwrap();
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    // Recorded as the reference SDKs do: a `CallbackError` that keeps the sender's error.
    let error = execution.error().unwrap();
    assert_eq!(error.type_name(), "CallbackError");
    assert!(
        error
            .message()
            .ends_with("failed: ApprovalSystemDown: the approval system lost the ticket"),
        "{}",
        error.message()
    );
}

#[tokio::test]
async fn the_approver_depends_on_the_amount() {
    let runner = TestRunner::new(Approval);
    runner.answer_callback(APPROVAL_CALLBACK, json!({"approved": true}));
    let execution = runner.run(&input()).await.unwrap();
    let ticket = execution.operation("submit-approval").unwrap();
    let result = ticket.step_details.as_ref().unwrap().result.as_deref().unwrap();
    let ticket: serde_json::Value = serde_json::from_str(result).unwrap();
    assert_eq!(ticket["approver"], "cfo");
}
