//! The create-order → 24 h wait → reminder workflow, seed-style: status, result, operations,
//! and the virtual clock that makes the 24 hours pass instantly.

use durable_examples::reminder::{create_order_id, OrderReminder, ReminderInput, ReminderOutcome};
use durable_runtime::local::ExecutionStatus;
use durable_runtime::testing::TestRunner;
use durable_runtime::wire::{OperationStatus, OperationType};
use serde_json::json;

fn input() -> ReminderInput {
    serde_json::from_value(json!({"customer_id": "customer-456", "items": ["item-1", "item-2"]})).unwrap()
}

#[tokio::test]
async fn reminds_the_customer_a_day_later() {
    let execution = TestRunner::new(OrderReminder).run(&input()).await.unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let outcome: ReminderOutcome = execution.output().unwrap();
    let id = create_order_id("customer-456", &["item-1".into(), "item-2".into()]);
    assert_eq!(outcome.order_id, id);
    assert_eq!(outcome.status, "completed");
    assert_eq!(outcome.notification, format!("reminded customer-456 about {id}"));

    // The first operation is the EXECUTION itself; then the workflow's, in order.
    let names: Vec<_> = execution.operations()[1..]
        .iter()
        .filter_map(|o| o.name.as_deref())
        .collect();
    assert_eq!(names, ["create-order", "wait-24h", "send-reminder"]);
    let wait = execution.operation("wait-24h").unwrap();
    assert_eq!(wait.operation_type, OperationType::Wait);
    assert_eq!(wait.status, OperationStatus::Succeeded);
    // Two invocations: one before the wait, one after; the 24 hours are virtual.
    assert_eq!(execution.invocations(), 2);
    let started = wait.start_timestamp.unwrap().0;
    let ended = wait.end_timestamp.unwrap().0;
    assert!(
        ended - started >= 24 * 3600 * 1000,
        "the wait lasted {} ms",
        ended - started
    );
}

#[tokio::test]
async fn the_order_is_created_once_and_replayed() {
    let execution = TestRunner::new(OrderReminder).run(&input()).await.unwrap();
    let created = execution
        .history()
        .iter()
        .filter(|e| e.event_type == "StepStarted" && e.name.as_deref() == Some("create-order"))
        .count();
    assert_eq!(
        created, 1,
        "the second invocation replays create-order from its checkpoint"
    );
    let reminder_at = execution
        .history()
        .iter()
        .find(|e| e.event_type == "StepSucceeded" && e.name.as_deref() == Some("send-reminder"))
        .unwrap()
        .event_timestamp
        .0;
    assert!(reminder_at - execution.record().start.0 >= 24 * 3600 * 1000);
}

#[tokio::test]
async fn a_mocked_order_service() {
    let runner = TestRunner::new(OrderReminder);
    runner.mock_step("create-order", json!({"id": "ord-mock", "customer_id": "c-1"}));
    let execution = runner.run(&input()).await.unwrap();
    let outcome: ReminderOutcome = execution.output().unwrap();
    assert_eq!(outcome.order_id, "ord-mock");
    assert_eq!(outcome.notification, "reminded c-1 about ord-mock");
}

#[tokio::test]
async fn an_empty_order_fails_before_waiting() {
    let mut bad = input();
    bad.items.clear();
    let execution = TestRunner::new(OrderReminder).run(&bad).await.unwrap();
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    assert!(execution.error().unwrap().message().contains("at least one item"));
    assert!(execution.operation("wait-24h").is_none());
}
