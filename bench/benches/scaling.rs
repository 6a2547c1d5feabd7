//! Scaling benchmarks (`cargo bench -p durable-bench`):
//!
//! - replay: one invocation replaying a history of N completed steps, N = 10 … 100,000
//!   (per-op time should stay flat: total replay work linear in history length);
//! - checkpoint throughput: N live steps against an instantly acknowledging checkpoint
//!   client (batching and the pump, no storage);
//! - operation id generation;
//! - parsing an invocation event whose state page is 5 MiB.
//!
//! Each measurement is the median of several runs; results print as a table.

use durable_runtime::wire::{
    CheckpointRequest, CheckpointResponse, ExecutionDetails, ExecutionStatePage, InvocationInput, Operation,
    OperationStatus, OperationType, StepDetails,
};
use durable_runtime::{
    id, run_invocation, workflow_fn, BoxFuture, CheckpointClient, CheckpointError, DurableContext,
    DurableError, ExecutionConfig,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Acknowledges every checkpoint at once, with a fresh token and no state.
struct InstantClient {
    calls: AtomicU64,
}

impl CheckpointClient for InstantClient {
    fn checkpoint(
        &self,
        _: &str,
        _: Arc<CheckpointRequest>,
    ) -> BoxFuture<'static, Result<CheckpointResponse, CheckpointError>> {
        let n = self.calls.fetch_add(1, Ordering::Relaxed);
        Box::pin(std::future::ready(Ok(CheckpointResponse {
            checkpoint_token: Some(format!("t{n}")),
            new_execution_state: None,
        })))
    }

    fn get_state(
        &self,
        _: &str,
        _: &str,
        _: &str,
    ) -> BoxFuture<'static, Result<ExecutionStatePage, CheckpointError>> {
        Box::pin(std::future::ready(Err(CheckpointError::terminal(
            "NotPaged",
            "the benchmark sends one page",
        ))))
    }
}

fn execution_op() -> Operation {
    let mut op = Operation::new("inv", OperationType::Execution, OperationStatus::Started);
    op.execution_details = Some(ExecutionDetails {
        input_payload: Some("0".into()),
    });
    op
}

/// An event whose state holds `n` succeeded steps at the root.
fn history(n: u64) -> InvocationInput {
    let mut ops = vec![execution_op()];
    for i in 1..=n {
        let path = id::OperationPath::child(None, i);
        let mut op = Operation::new(path.wire_id(), OperationType::Step, OperationStatus::Succeeded);
        op.name = Some(format!("step-{}", i - 1).into());
        op.sub_type = Some("Step".into());
        op.step_details = Some(StepDetails {
            attempt: 1,
            result: Some(format!("{{\"i\":{},\"s\":\"v{}\"}}", i - 1, i - 1)),
            ..StepDetails::default()
        });
        ops.push(op);
    }
    InvocationInput {
        durable_execution_arn: "arn:bench/inv".into(),
        checkpoint_token: "t".into(),
        initial_execution_state: ExecutionStatePage {
            operations: ops.into_iter().map(Into::into).collect(),
            next_marker: None,
        },
        updated_operation_ids: vec![],
    }
}

fn steps_workflow() -> impl durable_runtime::Workflow<Input = u64, Output = u64> {
    workflow_fn("steps", |ctx: DurableContext, n: u64| async move {
        let mut sum = 0u64;
        for i in 0..n {
            let v: serde_json::Value = ctx
                .step(format!("step-{i}"), move |_| async move {
                    Ok::<_, DurableError>(serde_json::json!({"i": i, "s": format!("v{i}")}))
                })
                .await?;
            sum += v["i"].as_u64().unwrap_or(0);
        }
        Ok(sum)
    })
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let workflow = steps_workflow();
    println!("replay: one invocation over a history of N completed steps (all replayed)\n");
    println!("| N | total | per replayed op | per op vs N=100 |");
    println!("|---:|---:|---:|---:|");
    let mut base = None;
    for n in [10u64, 100, 1_000, 10_000, 100_000] {
        let runs = if n >= 100_000 { 3 } else { 7 };
        // Events are built before timing: the clock covers the invocation only.
        let mut events: Vec<InvocationInput> = (0..runs).map(|_| history(n)).collect();
        let total = time(runs, || {
            let event = events.pop().expect("one event per run");
            let client = Arc::new(InstantClient {
                calls: AtomicU64::new(0),
            });
            let out = rt
                .block_on(run_invocation(
                    &workflow,
                    event,
                    client,
                    ExecutionConfig::default(),
                ))
                .expect("the invocation runs");
            assert_eq!(out.status, durable_runtime::wire::InvocationStatus::Succeeded);
        });
        let per_op = total.as_secs_f64() * 1e9 / n as f64;
        let ratio = base.map_or(1.0, |b: f64| per_op / b);
        if n == 100 {
            base = Some(per_op);
        }
        println!(
            "| {n} | {:.2} ms | {per_op:.0} ns | {ratio:.2}× |",
            total.as_secs_f64() * 1e3
        );
    }

    println!("\ncheckpoint throughput: N live steps, each START + SUCCEED, instant acknowledgements\n");
    println!("| N | total | steps/s | checkpoint calls |");
    println!("|---:|---:|---:|---:|");
    for n in [1_000u64, 10_000] {
        let mut calls = 0;
        let total = time(5, || {
            let client = Arc::new(InstantClient {
                calls: AtomicU64::new(0),
            });
            let mut event = history(0);
            std::sync::Arc::make_mut(&mut event.initial_execution_state.operations[0]).execution_details =
                Some(ExecutionDetails {
                    input_payload: Some(n.to_string()),
                });
            let out = rt
                .block_on(run_invocation(
                    &workflow,
                    event,
                    client.clone(),
                    ExecutionConfig::default(),
                ))
                .expect("the invocation runs");
            assert_eq!(out.status, durable_runtime::wire::InvocationStatus::Succeeded);
            calls = client.calls.load(Ordering::Relaxed);
        });
        println!(
            "| {n} | {:.2} ms | {:.0} | {calls} |",
            total.as_secs_f64() * 1e3,
            n as f64 / total.as_secs_f64()
        );
    }

    println!("\noperation ids\n");
    let n = 1_000_000u64;
    let total = time(5, || {
        let parent = id::OperationPath::child(None, 7);
        let mut acc = 0usize;
        for i in 1..=n {
            acc += id::OperationPath::child(Some(&parent), i).wire_id().len();
        }
        assert!(acc > 0);
    });
    println!(
        "{n} child ids (path + md5 + hex): {:.1} ns per id",
        total.as_secs_f64() * 1e9 / n as f64
    );

    println!("\nparsing an invocation event with a 5 MiB state page\n");
    let mut big = history(0);
    let payload = "x".repeat(1024);
    while serde_json::to_string(&big).map_or(0, |s| s.len()) < 5 * 1024 * 1024 {
        let i = big.initial_execution_state.operations.len() as u64;
        let mut op = Operation::new(
            id::wire_id(&i.to_string()),
            OperationType::Step,
            OperationStatus::Succeeded,
        );
        op.step_details = Some(StepDetails {
            attempt: 1,
            result: Some(payload.clone()),
            ..StepDetails::default()
        });
        big.initial_execution_state.operations.push(op.into());
    }
    let text = serde_json::to_string(&big).expect("serializable");
    let total = time(7, || {
        let parsed: InvocationInput = serde_json::from_str(&text).expect("parses");
        assert_eq!(
            parsed.initial_execution_state.operations.len(),
            big.initial_execution_state.operations.len()
        );
    });
    println!(
        "{:.1} MiB, {} operations: {:.2} ms ({:.0} MiB/s)",
        text.len() as f64 / 1048576.0,
        big.initial_execution_state.operations.len(),
        total.as_secs_f64() * 1e3,
        text.len() as f64 / 1048576.0 / total.as_secs_f64()
    );
}
