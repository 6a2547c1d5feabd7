//! Parallel processing with aggregation: every item in a durable map, then one aggregation
//! step.

use durable_examples::parallel::{Aggregate, LineItem, ParallelInput, ParallelProcessing};
use durable_runtime::local::ExecutionStatus;
use durable_runtime::testing::TestRunner;
use durable_runtime::wire::{OperationStatus, OperationType};
use serde_json::json;

fn items(quantities: &[u32]) -> Vec<LineItem> {
    quantities
        .iter()
        .enumerate()
        .map(|(i, &q)| LineItem {
            sku: format!("sku-{i}"),
            quantity: q,
            unit_cents: 100,
        })
        .collect()
}

fn input(quantities: &[u32], tolerated_failures: usize) -> ParallelInput {
    ParallelInput {
        items: items(quantities),
        max_concurrency: Some(2),
        tolerated_failures,
    }
}

#[tokio::test]
async fn processes_every_item_and_aggregates() {
    let execution = TestRunner::new(ParallelProcessing)
        .run(&input(&[1, 2, 3, 4], 0))
        .await
        .unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let aggregate: Aggregate = execution.output().unwrap();
    assert_eq!(
        aggregate,
        Aggregate {
            processed: 4,
            failed: vec![],
            total_cents: 1000,
        }
    );
    // One child context per item, each holding its own step.
    for i in 0..4 {
        let item = execution.operation(&format!("item-{i}-sku-{i}")).unwrap();
        assert_eq!(item.operation_type, OperationType::Context);
        let step = execution.operation(&format!("process-item-{i}")).unwrap();
        assert_eq!(step.parent_id.as_deref(), Some(&*item.id));
        assert_eq!(step.status, OperationStatus::Succeeded);
    }
    let map = execution.operation("process-items").unwrap();
    assert_eq!(map.status, OperationStatus::Succeeded);
    assert_eq!(
        execution.operation("aggregate-results").unwrap().status,
        OperationStatus::Succeeded
    );
}

#[tokio::test]
async fn a_bad_item_fails_fast_by_default() {
    let execution = TestRunner::new(ParallelProcessing)
        .run(&input(&[1, 0, 3], 0))
        .await
        .unwrap();
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    assert!(execution
        .error()
        .unwrap()
        .message()
        .contains("quantity must be at least 1"));
    assert!(execution.operation("aggregate-results").is_none());
}

#[tokio::test]
async fn tolerated_failures_are_reported() {
    let execution = TestRunner::new(ParallelProcessing)
        .run(&input(&[1, 0, 3, 0, 5], 2))
        .await
        .unwrap();
    let aggregate: Aggregate = execution.output().unwrap();
    assert_eq!(aggregate.processed, 3);
    assert_eq!(aggregate.failed, [1, 3]);
    assert_eq!(aggregate.total_cents, 900);
}

#[tokio::test]
async fn items_can_be_mocked_by_step_name() {
    let runner = TestRunner::new(ParallelProcessing);
    runner.mock_step("process-item-1", json!({"sku": "mocked", "total_cents": 5}));
    let execution = runner.run(&input(&[1, 1, 1], 0)).await.unwrap();
    let aggregate: Aggregate = execution.output().unwrap();
    assert_eq!(aggregate.total_cents, 205);
}
