//! The shadow replay of the replay checker: runs a workflow a second time against the
//! operations a real invocation left ([`ReplayState`]) and records what it asks of the
//! service, so that a backend can compare it with what the real invocation asked.
//!
//! The shadow run is pure. Recorded operations return their recorded outcomes; where a live
//! run would have to do something (run a step body, start an operation, wait for the
//! service), the shadow run stops there for good. It never checkpoints, never calls a step
//! body, a mock, a plugin, the log sink or a `tracing` subscriber, and changes nothing the
//! real run recorded. A completed context the real invocation entered has its body run aside,
//! so what it asks is compared too (see `context/child.rs`).

use crate::checkpoint::{BoxFuture, CheckpointClient};
use crate::config::ExecutionConfig;
use crate::context::DurableContext;
use crate::error::{CheckpointError, DurableError};
use crate::execution::Execution;
use crate::invocation::{execution_input, parse_input, workflow_body};
use crate::logger::{LogRecord, LogSink};
use crate::trace::{Ending, ReplayState, Trace, TraceRecorder};
use crate::wire::{CheckpointRequest, CheckpointResponse, ErrorObject, ExecutionStatePage};
use crate::workflow::Workflow;
use std::sync::Arc;
use std::task::Poll;
use tracing::instrument::WithSubscriber;

/// Replays `workflow` against `state` (taken from the real invocation's
/// [`TraceRecorder`]) and returns what this second run asked of the service.
///
/// Workflow code runs in the calling task: run it in a task of its own to survive a panic.
/// Nothing it records with `tracing` (the engine's spans, the workflow's own events) reaches
/// a subscriber: the real run recorded it already.
pub async fn shadow_replay<W: Workflow>(workflow: &W, state: ReplayState) -> Trace {
    replay(workflow, state)
        .with_subscriber(tracing::Dispatch::none())
        .await
}

async fn replay<W: Workflow>(workflow: &W, state: ReplayState) -> Trace {
    let ReplayState {
        arn,
        operations,
        entered,
    } = state;
    let recorder = Arc::new(TraceRecorder::new());
    let payload = execution_input(&arn, operations.values().map(|o| &**o)).unwrap_or_default();
    let input: W::Input = match parse_input(payload.as_deref()) {
        Ok(input) => input,
        Err(message) => {
            // The real invocation parsed the same payload; the input type itself disagrees.
            let error = DurableError::Failed(Box::new(ErrorObject::new("InvalidInputError", message)));
            return recorder.take_trace(Ending::Failed(error));
        }
    };
    let config = ExecutionConfig {
        log_sink: Arc::new(Silent),
        step_interceptor: None,
        plugins: Vec::new(),
        trace: Some(recorder.clone()),
        ..ExecutionConfig::default()
    };
    let exec = Arc::new(Execution::shadow(
        arn,
        operations,
        Arc::new(NoService),
        config,
        entered,
    ));
    let mut user = Some(workflow_body(workflow, DurableContext::root(exec.clone()), input));
    let mut aside: Vec<BoxFuture<'static, ()>> = Vec::new();
    let ending = std::future::poll_fn(|cx| {
        if let Some(body) = user.as_mut() {
            if let Poll::Ready(outcome) = body.as_mut().poll(cx) {
                user = None;
                recorder.outcome(&outcome);
            }
        }
        // Bodies run aside may start bodies aside in turn; all of them get polled.
        let mut started = exec.take_aside();
        loop {
            aside.append(&mut started);
            aside.retain_mut(|body| body.as_mut().poll(cx).is_pending());
            started = exec.take_aside();
            if started.is_empty() {
                break;
            }
        }
        if let Some(fatal) = exec.fatal() {
            return Poll::Ready(Ending::Failed(fatal));
        }
        if user.is_none() {
            return Poll::Ready(Ending::Finished);
        }
        // As a real invocation suspends: something waits on the service and nothing else
        // can move. Otherwise the code awaits something else (a timer): let it wake us.
        let st = exec.lock();
        if st.blocked > 0 && st.running == 0 {
            return Poll::Ready(Ending::Suspended);
        }
        Poll::Pending
    })
    .await;
    // Dropping the parked futures before reading the trace releases their hold on `exec`.
    drop(user);
    drop(aside);
    recorder.take_trace(ending)
}

/// The shadow run's log sink: it writes nothing (the real run logged already).
struct Silent;

impl LogSink for Silent {
    fn emit(&self, _: &LogRecord) {}

    fn emit_json(&self, _: &serde_json::Value) {}
}

/// The shadow run's "service": never called, since a shadow run sends nothing.
struct NoService;

impl CheckpointClient for NoService {
    fn checkpoint(
        &self,
        _: &str,
        _: Arc<CheckpointRequest>,
    ) -> BoxFuture<'static, Result<CheckpointResponse, CheckpointError>> {
        Box::pin(std::future::ready(Err(refused())))
    }

    fn get_state(
        &self,
        _: &str,
        _: &str,
        _: &str,
    ) -> BoxFuture<'static, Result<ExecutionStatePage, CheckpointError>> {
        Box::pin(std::future::ready(Err(refused())))
    }
}

fn refused() -> CheckpointError {
    CheckpointError::terminal("ShadowReplay", "a shadow replay never calls the service")
}
