//! One invocation against a scripted checkpoint client: event validation, state paging,
//! checkpoint failures and token revocation.

use durable_core::wire::*;
use durable_core::*;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Scripted {
    responses: Mutex<VecDeque<Result<CheckpointResponse, CheckpointError>>>,
    pages: Mutex<VecDeque<ExecutionStatePage>>,
    requests: Mutex<Vec<CheckpointRequest>>,
}

impl CheckpointClient for Scripted {
    fn checkpoint(
        &self,
        _: &str,
        request: Arc<CheckpointRequest>,
    ) -> BoxFuture<'static, Result<CheckpointResponse, CheckpointError>> {
        let n = self.requests.lock().unwrap().len();
        self.requests.lock().unwrap().push((*request).clone());
        let next = self.responses.lock().unwrap().pop_front().unwrap_or_else(|| {
            Ok(CheckpointResponse {
                checkpoint_token: Some(format!("t{n}")),
                new_execution_state: None,
            })
        });
        Box::pin(std::future::ready(next))
    }

    fn get_state(
        &self,
        _: &str,
        _: &str,
        _: &str,
    ) -> BoxFuture<'static, Result<ExecutionStatePage, CheckpointError>> {
        let page = self
            .pages
            .lock()
            .unwrap()
            .pop_front()
            .ok_or_else(|| CheckpointError::terminal("Nope", "no page"));
        Box::pin(std::future::ready(page))
    }
}

fn event(ops: Vec<Operation>, marker: Option<&str>) -> InvocationInput {
    let mut exec = Operation::new("inv-1", OperationType::Execution, OperationStatus::Started);
    exec.execution_details = Some(ExecutionDetails {
        input_payload: Some("\"in\"".into()),
    });
    let mut all = vec![exec];
    all.extend(ops);
    InvocationInput {
        durable_execution_arn: "arn:x/inv-1".into(),
        checkpoint_token: "t".into(),
        initial_execution_state: ExecutionStatePage {
            operations: all.into_iter().map(Into::into).collect(),
            next_marker: marker.map(Into::into),
        },
        updated_operation_ids: vec![],
    }
}

fn two_steps() -> impl Workflow<Input = String, Output = String> {
    workflow_fn("two", |ctx: DurableContext, input: String| async move {
        let a: String = ctx
            .step("a", move |_| async move {
                Ok::<_, DurableError>(format!("{input}-a"))
            })
            .await?;
        let b: String = ctx
            .step(
                "b",
                move |_| async move { Ok::<_, DurableError>(format!("{a}-b")) },
            )
            .await?;
        Ok(b)
    })
}

fn succeeded_step(path: &str, name: &str, result: &str) -> Operation {
    let mut op = Operation::new(id::wire_id(path), OperationType::Step, OperationStatus::Succeeded);
    op.name = Some(name.into());
    op.sub_type = Some("Step".into());
    op.step_details = Some(StepDetails {
        attempt: 1,
        result: Some(result.into()),
        ..Default::default()
    });
    op
}

#[tokio::test]
async fn emits_the_reference_checkpoint_sequence() {
    let client = Arc::new(Scripted::default());
    let out = run_invocation(
        &two_steps(),
        event(vec![], None),
        client.clone(),
        ExecutionConfig::default(),
    )
    .await
    .unwrap();
    assert_eq!(out, InvocationOutput::succeeded("\"in-a-b\""));
    let sent: Vec<(String, &'static str, Option<String>)> = client
        .requests
        .lock()
        .unwrap()
        .iter()
        .flat_map(|r| r.updates.clone())
        .map(|u| {
            (
                u.name.as_deref().unwrap_or_default().to_owned(),
                u.action.as_str(),
                u.payload,
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            ("a".into(), "START", None),
            ("a".into(), "SUCCEED", Some("\"in-a\"".into())),
            ("b".into(), "START", None),
            ("b".into(), "SUCCEED", Some("\"in-a-b\"".into())),
        ]
    );
    // Every call uses the token returned by the previous one.
    let tokens: Vec<_> = client
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.checkpoint_token.clone())
        .collect();
    assert_eq!(tokens[0], "t");
    for w in tokens.windows(2) {
        assert_ne!(w[0], w[1]);
    }
}

#[tokio::test]
async fn loads_every_state_page_before_running_code() {
    let client = Arc::new(Scripted::default());
    client.pages.lock().unwrap().push_back(ExecutionStatePage {
        operations: vec![succeeded_step("1", "a", "\"recorded-a\"").into()],
        next_marker: Some("2".into()),
    });
    client.pages.lock().unwrap().push_back(ExecutionStatePage {
        operations: vec![succeeded_step("2", "b", "\"recorded-b\"").into()],
        next_marker: None,
    });
    let out = run_invocation(
        &two_steps(),
        event(vec![], Some("1")),
        client.clone(),
        ExecutionConfig::default(),
    )
    .await
    .unwrap();
    assert_eq!(out, InvocationOutput::succeeded("\"recorded-b\""));
    assert!(
        client.requests.lock().unwrap().is_empty(),
        "a full replay checkpoints nothing"
    );
}

#[tokio::test]
async fn malformed_events_are_invocation_errors() {
    let mut e = event(vec![], None);
    e.checkpoint_token.clear();
    let err = run_invocation(
        &two_steps(),
        e,
        Arc::new(Scripted::default()),
        ExecutionConfig::default(),
    )
    .await;
    assert!(matches!(err, Err(InvocationError::MalformedEvent(_))));

    let mut e = event(vec![], None);
    e.initial_execution_state.operations.clear();
    let err = run_invocation(
        &two_steps(),
        e,
        Arc::new(Scripted::default()),
        ExecutionConfig::default(),
    )
    .await;
    assert!(matches!(err, Err(InvocationError::MalformedEvent(_))));
}

#[tokio::test]
async fn wrong_input_type_fails_the_execution_clearly() {
    let wf = workflow_fn("typed", |_ctx: DurableContext, n: u32| async move { Ok(n) });
    let out = run_invocation(
        &wf,
        event(vec![], None),
        Arc::new(Scripted::default()),
        ExecutionConfig::default(),
    )
    .await
    .unwrap();
    assert_eq!(out.status, InvocationStatus::Failed);
    assert_eq!(out.error.unwrap().type_name(), "InvalidInputError");
}

#[tokio::test]
async fn retryable_checkpoint_failures_retry_the_invocation() {
    let client = Arc::new(Scripted::default());
    client
        .responses
        .lock()
        .unwrap()
        .push_back(Err(CheckpointError::classify(503, "ServiceException", "busy")));
    let err = run_invocation(
        &two_steps(),
        event(vec![], None),
        client,
        ExecutionConfig::default(),
    )
    .await;
    match err {
        Err(InvocationError::Checkpoint(e)) => assert!(e.is_retryable()),
        other => panic!("expected a retryable invocation error, got {other:?}"),
    }
}

#[tokio::test]
async fn terminal_checkpoint_failures_fail_the_execution() {
    let client = Arc::new(Scripted::default());
    client
        .responses
        .lock()
        .unwrap()
        .push_back(Err(CheckpointError::classify(400, "KMSDisabledException", "off")));
    let out = run_invocation(
        &two_steps(),
        event(vec![], None),
        client,
        ExecutionConfig::default(),
    )
    .await
    .unwrap();
    assert_eq!(out.status, InvocationStatus::Failed);
    assert_eq!(out.error.unwrap().type_name(), "CheckpointError");
}

#[tokio::test]
async fn a_revoked_token_suspends() {
    let client = Arc::new(Scripted::default());
    client
        .responses
        .lock()
        .unwrap()
        .push_back(Ok(CheckpointResponse::default()));
    let wf = workflow_fn("w", |ctx: DurableContext, _: String| async move {
        ctx.wait("w", Duration::from_secs(5)).await?;
        Ok(())
    });
    let out = run_invocation(&wf, event(vec![], None), client, ExecutionConfig::default())
        .await
        .unwrap();
    assert_eq!(out, InvocationOutput::pending());
}

#[tokio::test]
async fn mismatched_history_fails_with_non_determinism() {
    // History holds a WAIT where the code now creates a STEP.
    let mut wait = Operation::new(id::wire_id("1"), OperationType::Wait, OperationStatus::Succeeded);
    wait.sub_type = Some("Wait".into());
    let out = run_invocation(
        &two_steps(),
        event(vec![wait], None),
        Arc::new(Scripted::default()),
        ExecutionConfig::default(),
    )
    .await
    .unwrap();
    assert_eq!(out.status, InvocationStatus::Failed);
    let error = out.error.unwrap();
    assert_eq!(error.type_name(), "NonDeterministicExecutionError");
    assert!(
        error.message().contains("STEP \"a\" (Step)") && error.message().contains("WAIT (Wait)"),
        "{}",
        error.message()
    );
}
