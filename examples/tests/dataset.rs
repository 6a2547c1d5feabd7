//! Chunked dataset processing: a failure mid-way, then the execution resumes from the failed
//! chunk without processing the finished ones again.

use durable_examples::dataset::{DatasetJob, DatasetReport, ProcessLargeDataset};
use durable_runtime::local::ExecutionStatus;
use durable_runtime::testing::{TestResult, TestRunner};
use durable_runtime::wire::ErrorObject;
use durable_runtime::wire::OperationStatus;
use durable_runtime::MockOutcome;
use serde_json::json;

fn job(fail_at_chunk: Option<u64>) -> DatasetJob {
    DatasetJob {
        dataset_id: "ds-1".into(),
        records: 1000,
        chunk_size: 10,
        fail_at_chunk,
        pause_seconds: 1,
    }
}

/// How many times the body of step `name` started.
fn attempts(r: &TestResult, name: &str) -> usize {
    r.history()
        .iter()
        .filter(|e| e.event_type == "StepStarted" && e.name.as_deref() == Some(name))
        .count()
}

#[tokio::test]
async fn processes_every_chunk() {
    let execution = TestRunner::new(ProcessLargeDataset)
        .run(&job(None))
        .await
        .unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let report: DatasetReport = execution.output().unwrap();
    assert_eq!(
        report,
        DatasetReport {
            dataset_id: "ds-1".into(),
            chunks: 100,
            records: 1000,
            sum: (0..1000).sum(),
        }
    );
    // 100 chunks, a pause after every ten but the last: 9 pauses, so 10 invocations.
    assert!(execution.operation("pause-after-chunk-9").is_some());
    assert!(execution.operation("pause-after-chunk-99").is_none());
    assert_eq!(execution.invocations(), 10);
}

#[tokio::test]
async fn resumes_from_the_failed_chunk() {
    let execution = TestRunner::new(ProcessLargeDataset)
        .run(&job(Some(47)))
        .await
        .unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let report: DatasetReport = execution.output().unwrap();
    assert_eq!(report.records, 1000);
    assert_eq!(report.sum, (0..1000).sum::<u64>());

    // Chunk 47 ran twice (the failure, then the retry); every other chunk exactly once,
    // although the function was re-invoked from the top after the failure.
    assert_eq!(attempts(&execution, "process-chunk-47"), 2);
    for i in (0..100).filter(|&i| i != 47) {
        assert_eq!(
            attempts(&execution, &format!("process-chunk-{i}")),
            1,
            "chunk {i}"
        );
    }
    let chunk = execution.operation("process-chunk-47").unwrap();
    assert_eq!(chunk.status, OperationStatus::Succeeded);
    // The failed attempt is in the history, with its error.
    let failure = execution
        .history()
        .iter()
        .find(|e| e.name.as_deref() == Some("process-chunk-47") && e.event_type == "StepFailed")
        .map(|e| serde_json::to_value(e).unwrap());
    let failure = failure.expect("the failed attempt is recorded");
    assert!(
        failure.to_string().contains("timed out reading chunk 47"),
        "{failure}"
    );
    // One extra invocation for the retry.
    assert_eq!(execution.invocations(), 11);
}

#[tokio::test]
async fn a_chunk_that_keeps_failing_fails_the_execution_after_its_retries() {
    let runner = TestRunner::new(ProcessLargeDataset);
    runner.mock_step_error("process-chunk-3", ErrorObject::new("ChunkError", "corrupt block"));
    let execution = runner.run(&job(None)).await.unwrap();
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    assert_eq!(execution.error().unwrap().message(), "corrupt block");
    assert_eq!(
        attempts(&execution, "process-chunk-3"),
        3,
        "three attempts in all"
    );
    assert!(
        execution.operation("process-chunk-4").is_none(),
        "nothing after it ran"
    );
}

#[tokio::test]
async fn mocked_chunks_and_outcomes_per_attempt() {
    let runner = TestRunner::new(ProcessLargeDataset);
    runner.mock_step(
        "process-chunk-0",
        json!({"chunk": 0, "records": 10, "sum": 1_000_000}),
    );
    runner.mock_step_outcomes(
        "process-chunk-1",
        vec![
            MockOutcome::Fail(ErrorObject::new("ChunkError", "flaky")),
            MockOutcome::Succeed(json!({"chunk": 1, "records": 10, "sum": 0})),
        ],
    );
    let mut small = job(None);
    small.records = 20;
    let execution = runner.run(&small).await.unwrap();
    let report: DatasetReport = execution.output().unwrap();
    assert_eq!(report.sum, 1_000_000);
    assert_eq!(report.chunks, 2);
}
