//! Cost-optimized batching: one step and one wait per batch, not per item.

use durable_examples::batching::{small_operation, BatchingInput, BatchingReport, CostOptimizedBatching};
use durable_runtime::local::ExecutionStatus;
use durable_runtime::testing::TestRunner;
use durable_runtime::wire::OperationType;
use serde_json::json;

#[tokio::test]
async fn a_thousand_items_in_ten_steps_and_ten_waits() {
    let input: BatchingInput = serde_json::from_value(json!({})).unwrap();
    assert_eq!(
        (input.total_items, input.batch_size, input.pause_seconds),
        (1000, 100, 10)
    );
    let execution = TestRunner::new(CostOptimizedBatching).run(&input).await.unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let report: BatchingReport = execution.output().unwrap();
    assert_eq!(
        report,
        BatchingReport {
            batches: 10,
            items: 1000,
            checksum: (0..1000).map(small_operation).sum(),
        }
    );
    let ops = &execution.operations()[1..];
    let steps = ops
        .iter()
        .filter(|o| o.operation_type == OperationType::Step)
        .count();
    let waits = ops
        .iter()
        .filter(|o| o.operation_type == OperationType::Wait)
        .count();
    assert_eq!((ops.len(), steps, waits), (20, 10, 10));
    // One invocation per wait, plus the first.
    assert_eq!(execution.invocations(), 11);
    // Ten waits of 10 s each passed on the virtual clock.
    let last = execution.history().last().unwrap().event_timestamp.0;
    assert!(last - execution.record().start.0 >= 100_000);
}

#[tokio::test]
async fn a_partial_last_batch() {
    let input = BatchingInput {
        total_items: 250,
        batch_size: 100,
        pause_seconds: 1,
    };
    let execution = TestRunner::new(CostOptimizedBatching).run(&input).await.unwrap();
    let report: BatchingReport = execution.output().unwrap();
    assert_eq!((report.batches, report.items), (3, 250));
    let last = execution.operation("batch-2").unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(last.step_details.as_ref().unwrap().result.as_deref().unwrap()).unwrap();
    assert_eq!(summary["items"], 50);
}

#[tokio::test]
async fn a_batch_can_be_mocked() {
    let runner = TestRunner::new(CostOptimizedBatching);
    runner.mock_step("batch-0", json!({"batch": 0, "items": 100, "checksum": 1}));
    let input = BatchingInput {
        total_items: 200,
        batch_size: 100,
        pause_seconds: 1,
    };
    let report: BatchingReport = runner.run(&input).await.unwrap().output().unwrap();
    assert_eq!(report.checksum, 1 + (100..200).map(small_operation).sum::<u64>());
}
