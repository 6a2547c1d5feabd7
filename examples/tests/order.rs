//! The order workflow tested the way the seed article tests it: mock steps by name, answer
//! callbacks by name, assert status, result and operations.

use durable_examples::order::{Item, Order, OrderOutcome, ProcessOrder};
use durable_runtime::local::ExecutionStatus;
use durable_runtime::testing::TestRunner;
use durable_runtime::wire::OperationStatus;
use serde_json::json;

fn order(card: &str, sku: &str) -> Order {
    Order {
        id: "order-123".into(),
        customer_id: "customer-456".into(),
        items: vec![Item {
            sku: sku.into(),
            quantity: 2,
        }],
        card_token: card.into(),
    }
}

#[tokio::test]
async fn completes_a_successful_order() {
    let runner = TestRunner::new(ProcessOrder);
    runner.mock_step(
        "validate-payment",
        json!({"valid": true, "authorization": "auth-1"}),
    );
    runner.mock_step("check-inventory", json!({"available": true, "missing": []}));
    runner.mock_step("reserve-inventory", json!(true));
    runner.answer_callback("warehouse-order-123", json!({"confirmed": true, "dock": "B"}));
    let execution = runner.run(&order("valid-token", "item-1")).await.unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let outcome: OrderOutcome = execution.output().unwrap();
    assert_eq!(outcome.order_id, "order-123");
    assert_eq!(outcome.status, "completed");
    assert_eq!(outcome.tracking_number.as_deref(), Some("TRK-order-123-B"));
    assert_eq!(
        execution.operation("send-confirmation").unwrap().status,
        OperationStatus::Succeeded
    );
    assert!(
        execution.operation("restock-order-123").is_none(),
        "no restock wait when in stock"
    );
}

#[tokio::test]
async fn waits_for_a_restock_when_out_of_stock() {
    let runner = TestRunner::new(ProcessOrder);
    runner.answer_callback("restock-order-123", json!({"restocked": true}));
    runner.answer_callback("warehouse-order-123", json!({"confirmed": true}));
    let execution = runner.run(&order("valid-token", "out-of-stock")).await.unwrap();
    let outcome: OrderOutcome = execution.output().unwrap();
    assert_eq!(outcome.status, "completed");
    assert_eq!(
        execution.operation("restock-order-123").unwrap().status,
        OperationStatus::Succeeded
    );
    // Three invocations: start, after the restock, after the warehouse confirmation.
    assert_eq!(execution.invocations(), 3);
}

#[tokio::test]
async fn stops_on_an_invalid_payment() {
    let execution = TestRunner::new(ProcessOrder)
        .run(&order("stolen-card", "item-1"))
        .await
        .unwrap();
    let outcome: OrderOutcome = execution.output().unwrap();
    assert_eq!(outcome.status, "failed");
    assert_eq!(outcome.reason.as_deref(), Some("payment validation failed"));
    assert!(execution.operation("check-inventory").is_none());
}

#[tokio::test]
async fn a_silent_warehouse_times_out_after_48_hours() {
    let execution = TestRunner::new(ProcessOrder)
        .run(&order("valid-token", "item-1"))
        .await
        .unwrap();
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    assert_eq!(execution.error().unwrap().type_name(), "CallbackTimeoutError");
}
