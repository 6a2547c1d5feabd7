//! The Step Functions state machine, migrated: the same two tasks (plus the final
//! processing), as steps.

use durable_examples::step_functions::{MigratedOrder, OrderWorkflow, ProcessedOrder};
use durable_runtime::local::ExecutionStatus;
use durable_runtime::testing::TestRunner;
use durable_runtime::wire::OperationStatus;
use serde_json::json;

fn order(card: &str, items: &[&str]) -> MigratedOrder {
    MigratedOrder {
        order_id: "order-9".into(),
        payment_info: card.into(),
        items: items.iter().map(|s| s.to_string()).collect(),
    }
}

#[tokio::test]
async fn runs_the_states_in_order() {
    let execution = TestRunner::new(OrderWorkflow)
        .run(&order("visa-4242", &["book", "pen"]))
        .await
        .unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let result: ProcessedOrder = execution.output().unwrap();
    assert_eq!(result.status, "processed");
    let names: Vec<&str> = execution.operations()[1..]
        .iter()
        .filter_map(|o| o.name.as_deref())
        .collect();
    assert_eq!(names, ["validate-payment", "check-inventory", "process-order"]);
    assert!(execution.operations()[1..]
        .iter()
        .all(|o| o.status == OperationStatus::Succeeded));
}

#[tokio::test]
async fn data_flows_between_states_as_variables() {
    let execution = TestRunner::new(OrderWorkflow)
        .run(&order("expired-card", &["book"]))
        .await
        .unwrap();
    assert_eq!(execution.output::<ProcessedOrder>().unwrap().status, "rejected");
}

#[tokio::test]
async fn tasks_are_mocked_like_lambda_functions() {
    let runner = TestRunner::new(OrderWorkflow);
    runner.mock_step("validate-payment", json!({"valid": true}));
    runner.mock_step("check-inventory", json!({"available": false, "reserved": 0}));
    let execution = runner.run(&order("visa-4242", &["book"])).await.unwrap();
    assert_eq!(execution.output::<ProcessedOrder>().unwrap().status, "rejected");
}
