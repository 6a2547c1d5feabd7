//! Trace recording and the shadow replay, against a client that acknowledges everything:
//! what a run records, and that a replay of the same code records the same without sending
//! anything.

use durable_core::shadow::shadow_replay;
use durable_core::trace::{Request, RunEnd, Trace, TraceRecorder};
use durable_core::wire::*;
use durable_core::*;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Acknowledges every checkpoint and counts the calls.
#[derive(Default)]
struct Acks(Mutex<u32>);

impl CheckpointClient for Acks {
    fn checkpoint(
        &self,
        _: &str,
        _: Arc<CheckpointRequest>,
    ) -> BoxFuture<'static, Result<CheckpointResponse, CheckpointError>> {
        let mut n = self.0.lock().unwrap();
        *n += 1;
        let response = CheckpointResponse {
            checkpoint_token: Some(format!("t{n}")),
            new_execution_state: None,
        };
        Box::pin(std::future::ready(Ok(response)))
    }

    fn get_state(
        &self,
        _: &str,
        _: &str,
        _: &str,
    ) -> BoxFuture<'static, Result<ExecutionStatePage, CheckpointError>> {
        Box::pin(std::future::ready(Err(CheckpointError::terminal(
            "Nope", "no page",
        ))))
    }
}

fn event() -> InvocationInput {
    let mut exec = Operation::new("inv-1", OperationType::Execution, OperationStatus::Started);
    exec.execution_details = Some(ExecutionDetails {
        input_payload: Some("3".into()),
    });
    InvocationInput {
        durable_execution_arn: "arn:x/inv-1".into(),
        checkpoint_token: "t".into(),
        initial_execution_state: ExecutionStatePage {
            operations: vec![exec.into()],
            next_marker: None,
        },
        updated_operation_ids: vec![],
    }
}

/// Runs one traced invocation of `workflow`, then its shadow replay; returns both traces and
/// how many checkpoint calls the real run made.
async fn run_twice<W: Workflow>(workflow: &W) -> (Trace, Trace, u32) {
    let client = Arc::new(Acks::default());
    let recorder = Arc::new(TraceRecorder::new());
    let config = ExecutionConfig {
        trace: Some(recorder.clone()),
        ..ExecutionConfig::default()
    };
    run_invocation(workflow, event(), client.clone(), config)
        .await
        .unwrap();
    let calls = *client.0.lock().unwrap();
    let (first, state) = recorder.take().expect("a finished recording");
    let replay = shadow_replay(workflow, state).await;
    (first, replay, calls)
}

#[tokio::test]
async fn a_replay_of_deterministic_code_records_the_same_and_runs_no_body() {
    let bodies = Arc::new(AtomicU32::new(0));
    let seen = bodies.clone();
    let wf = workflow_fn("steady", move |ctx: DurableContext, n: u32| {
        let seen = seen.clone();
        async move {
            let kid: u32 = ctx
                .run_in_child_context("kid", move |c: DurableContext| async move {
                    c.step("double", move |_| async move {
                        seen.fetch_add(1, Ordering::SeqCst);
                        Ok::<_, DurableError>(n * 2)
                    })
                    .await
                })
                .await?;
            ctx.wait("pause", Duration::from_secs(u64::from(kid))).await?;
            Ok(kid)
        }
    });
    let (first, replay, _) = run_twice(&wf).await;
    assert_eq!(bodies.load(Ordering::SeqCst), 1, "the replay ran a step body");
    // The child's body ran aside, after the parent went on: only the interleaving differs.
    let by_position = |t: &Trace| {
        let mut ops = t.operations.clone();
        ops.sort_by(|a, b| a.position.cmp(&b.position));
        ops
    };
    assert_eq!(by_position(&first), by_position(&replay));
    assert_eq!(first.entered, replay.entered, "the completed child ran aside");
    let names: Vec<_> = first
        .operations
        .iter()
        .map(|o| o.name.as_deref().unwrap())
        .collect();
    assert_eq!(names, ["kid", "double", "pause"]);
    assert_eq!(first.operations[2].request, Some(Request::Wait { seconds: 6 }));
    assert!(first.operations[0].location.file().ends_with("tests/trace.rs"));
    assert!(matches!(
        (&first.end, &replay.end),
        (RunEnd::Suspended, RunEnd::Suspended)
    ));
}

#[tokio::test]
async fn a_replay_of_code_that_reads_a_global_records_something_else() {
    static RUNS: AtomicU32 = AtomicU32::new(0);
    let wf = workflow_fn("global", |ctx: DurableContext, _: u32| async move {
        let name = format!("step-{}", RUNS.fetch_add(1, Ordering::SeqCst));
        ctx.step(name, |_| async { Ok::<_, DurableError>(1u32) }).await
    });
    let (first, replay, calls) = run_twice(&wf).await;
    assert!(calls > 0);
    assert_eq!(first.operations[0].name.as_deref(), Some("step-0"));
    assert_eq!(replay.operations[0].name.as_deref(), Some("step-1"));
    assert!(matches!(&first.end, RunEnd::Finished(Ok(r)) if r == "1"));
    // History holds `step-0` at that position: the replay engine itself objects too.
    assert!(matches!(
        &replay.end,
        RunEnd::Failed(DurableError::NonDeterministic(_))
    ));
}
