//! The data pipeline: extract, transform in batches with periodic checkpoint steps, load.

use durable_examples::pipeline::{DataPipeline, PipelineInput, PipelineOutcome, ProcessingConfig, Rule};
use durable_runtime::local::ExecutionStatus;
use durable_runtime::testing::TestRunner;
use durable_runtime::wire::OperationStatus;
use serde_json::json;

fn input(dataset: &str, pause_seconds: u64) -> PipelineInput {
    PipelineInput {
        dataset_id: dataset.into(),
        processing_config: ProcessingConfig {
            batch_size: 2,
            checkpoint_every: 5,
            transform_rules: vec![Rule::Trim, Rule::DropEmpty, Rule::Uppercase],
            destination: "s3://warehouse/customers".into(),
            pause_seconds,
        },
    }
}

#[tokio::test]
async fn extracts_transforms_in_batches_and_loads() {
    let execution = TestRunner::new(DataPipeline)
        .run(&input("customers", 1))
        .await
        .unwrap();
    assert_eq!(
        execution.status(),
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.error()
    );
    let outcome: PipelineOutcome = execution.output().unwrap();
    // 25 records, 4 of them blank (indices 3, 10, 17, 24): 21 loaded, in 13 batches.
    assert_eq!(outcome.records_processed, 21);
    assert_eq!(outcome.batches, 13);
    assert_eq!(outcome.status, "completed");

    let names: Vec<&str> = execution.operations()[1..]
        .iter()
        .filter_map(|o| o.name.as_deref())
        .collect();
    assert_eq!(names.first(), Some(&"extract-data"));
    assert_eq!(names.last(), Some(&"load-data"));
    // A checkpoint step after batches 0, 5 and 10.
    let checkpoints: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("checkpoint-"))
        .collect();
    assert_eq!(checkpoints, ["checkpoint-0", "checkpoint-5", "checkpoint-10"]);
    let saved = execution.operation("checkpoint-5").unwrap();
    let saved: serde_json::Value =
        serde_json::from_str(saved.step_details.as_ref().unwrap().result.as_deref().unwrap()).unwrap();
    assert_eq!(saved["batch"], 5);
    // A pause between batches (12), each one invocation more.
    assert_eq!(names.iter().filter(|n| n.starts_with("pause-")).count(), 12);
    assert_eq!(execution.invocations(), 13);
    // The transformed records are checkpointed per batch.
    let batch = execution.operation("transform-batch-0").unwrap();
    assert_eq!(
        batch.step_details.as_ref().unwrap().result.as_deref(),
        Some(r#"["CUSTOMER-00","CUSTOMER-01"]"#)
    );
}

#[tokio::test]
async fn without_pauses_it_runs_in_one_invocation() {
    let execution = TestRunner::new(DataPipeline)
        .run(&input("customers", 0))
        .await
        .unwrap();
    assert_eq!(execution.invocations(), 1);
    assert_eq!(
        execution.output::<PipelineOutcome>().unwrap().records_processed,
        21
    );
}

#[tokio::test]
async fn an_unknown_dataset_fails_in_extract() {
    let execution = TestRunner::new(DataPipeline)
        .run(&input("nope", 0))
        .await
        .unwrap();
    assert_eq!(execution.status(), ExecutionStatus::Failed);
    assert!(execution.error().unwrap().message().contains("unknown dataset"));
    assert_eq!(
        execution.operation("extract-data").unwrap().status,
        OperationStatus::Failed
    );
    assert!(execution.operation("load-data").is_none());
}

#[tokio::test]
async fn the_source_and_destination_can_be_mocked() {
    let runner = TestRunner::new(DataPipeline);
    runner.mock_step("extract-data", json!([" a ", "b", "", "c"]));
    runner.mock_step("load-data", json!({"destination": "mock", "written": 3}));
    let execution = runner.run(&input("anything", 0)).await.unwrap();
    let outcome: PipelineOutcome = execution.output().unwrap();
    assert_eq!(outcome.records_processed, 3);
    assert_eq!(outcome.batches, 2);
}
