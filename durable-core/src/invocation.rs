//! Runs one invocation: load the full state, replay the workflow, checkpoint, and turn the
//! outcome into the handler response (PROTOCOL.md §1).
//!
//! The [`Driver`] polls the workflow future and the checkpoint pump side by side in one task.
//! Updates queued while the workflow runs go out in batches; the invocation suspends
//! (`PENDING`) once every update is acknowledged, no step body is running, and at least one
//! durable future is parked on the service (a wait, a retry timer, a callback).

use crate::checkpoint::{BoxFuture, CheckpointClient};
use crate::config::ExecutionConfig;
use crate::context::DurableContext;
use crate::error::{CheckpointError, DurableError, InvocationError};
use crate::execution::{Execution, OpMap};
use crate::limits::MAX_RESPONSE_BYTES;
use crate::trace::Ending;
use crate::wire::{
    CheckpointRequest, CheckpointResponse, ErrorObject, InvocationInput, InvocationOutput, InvocationStatus,
    OperationAction, OperationType, OperationUpdate,
};
use crate::workflow::Workflow;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tracing::Instrument;

/// Runs `workflow` for one invocation `event`, checkpointing through `client`.
///
/// Returns the response for the service, or an [`InvocationError`] when the invocation must
/// be retried (malformed event, retryable checkpoint failure): the Lambda runtime reports it
/// as a function error and the service re-invokes.
pub async fn run_invocation<W: Workflow>(
    workflow: &W,
    event: InvocationInput,
    client: Arc<dyn CheckpointClient>,
    config: ExecutionConfig,
) -> Result<InvocationOutput, InvocationError> {
    if event.durable_execution_arn.is_empty() || event.checkpoint_token.is_empty() {
        return Err(InvocationError::MalformedEvent(
            "DurableExecutionArn and CheckpointToken are required (is durability configured for this function?)"
                .into(),
        ));
    }
    let span = crate::telemetry::invocation_span(&event.durable_execution_arn);
    let output = invocation(workflow, event, client, config, &span)
        .instrument(span.clone())
        .await;
    crate::telemetry::record_outcome(&span, &output);
    output
}

async fn invocation<W: Workflow>(
    workflow: &W,
    event: InvocationInput,
    client: Arc<dyn CheckpointClient>,
    config: ExecutionConfig,
    span: &tracing::Span,
) -> Result<InvocationOutput, InvocationError> {
    let arn = event.durable_execution_arn;
    let token = event.checkpoint_token;
    let mut operations = event.initial_execution_state.operations;
    let mut marker = event
        .initial_execution_state
        .next_marker
        .filter(|m| !m.is_empty());
    while let Some(m) = marker {
        let page = client.get_state(&arn, &token, &m).await?;
        marker = page.next_marker().map(str::to_owned);
        operations.extend(page.operations);
    }

    let input_payload = execution_input(&arn, operations.iter().map(|o| &**o))?;
    let plugins = config.plugins.clone();
    let is_first_invocation = !operations
        .iter()
        .any(|o| o.operation_type != OperationType::Execution);
    let updated = event.updated_operation_ids;
    span.record("replaying", !is_first_invocation);
    span.record("operations", operations.len());
    crate::plugin::notify(&plugins, |p| {
        p.on_invocation_start(&crate::plugin::InvocationStart {
            execution_arn: &arn,
            is_first_invocation,
            updated_operation_ids: &updated,
        })
    });
    let operations: OpMap = operations.into_iter().collect();
    // Operations the service finished while the execution was suspended (waits, callbacks,
    // invokes) end now, as far as this SDK can observe. Looked up by id: the history can be
    // long, the list of updated operations is short.
    for op in operations
        .find_many(updated.iter().map(String::as_str))
        .iter()
        .filter(|o| o.status.is_terminal())
    {
        if matches!(
            op.operation_type,
            OperationType::Wait | OperationType::Callback | OperationType::ChainedInvoke
        ) {
            crate::telemetry::operation_ended_while_suspended(op);
            let info = crate::plugin::OperationInfo {
                execution_arn: &arn,
                operation_id: &op.id,
                name: op.name.as_deref(),
                operation_type: op.operation_type,
                sub_type: op.sub_type.as_deref(),
                parent_id: op.parent_id.as_deref(),
            };
            crate::plugin::notify(&plugins, |p| p.on_operation_end(&info, op.status, op.error()));
        }
    }
    let arn_for_end = arn.clone();
    let output = run_workflow(workflow, arn, token, operations, input_payload, client, config).await;
    if let Ok(out) = &output {
        crate::plugin::notify(&plugins, |p| {
            p.on_invocation_end(&crate::plugin::InvocationEnd {
                execution_arn: &arn_for_end,
                status: out.status,
                error: out.error.as_ref(),
            })
        });
    }
    output
}

async fn run_workflow<W: Workflow>(
    workflow: &W,
    arn: String,
    token: String,
    operations: OpMap,
    input_payload: Option<String>,
    client: Arc<dyn CheckpointClient>,
    config: ExecutionConfig,
) -> Result<InvocationOutput, InvocationError> {
    let input: W::Input = match parse_input(input_payload.as_deref()) {
        Ok(input) => input,
        Err(message) => {
            // The same input would fail on every retry: fail the execution, clearly.
            return Ok(InvocationOutput::failed(ErrorObject::new(
                "InvalidInputError",
                format!(
                    "the execution input does not match workflow `{}`: {message}",
                    workflow.name()
                ),
            )));
        }
    };

    let exec = Arc::new(Execution::new(arn, token, operations, client, config));
    let user = workflow_body(workflow, DurableContext::root(exec.clone()), input);
    let output = Driver {
        exec: exec.clone(),
        user: Some(user),
        finishing: None,
        in_flight: None,
    }
    .await;
    if let Some(recorder) = exec.tracer() {
        // Hand the replay checker the run and the records as this run last saw them, unless
        // nothing comparable ended (a retryable failure, or the service revoked the token).
        let ending = match (&output, exec.fatal()) {
            (Err(_), _) => None,
            (Ok(_), Some(fatal)) => Some(Ending::Failed(fatal)),
            (Ok(out), None) if out.status != InvocationStatus::Pending => Some(Ending::Finished),
            (Ok(_), None) => (!exec.lock().closed).then_some(Ending::Suspended),
        };
        if let Some(ending) = ending {
            recorder.finish(ending, exec.arn.clone(), exec.take_records());
        }
    }
    output
}

/// The workflow's body with its result serialized as the execution's result JSON.
pub(crate) fn workflow_body<W: Workflow>(
    workflow: &W,
    ctx: DurableContext,
    input: W::Input,
) -> BoxFuture<'static, Result<String, DurableError>> {
    let body = workflow.run(ctx, input);
    Box::pin(async move {
        let output = body.await?;
        serde_json::to_string(&output).map_err(|e| DurableError::Serdes {
            operation: "execution result".into(),
            message: e.to_string(),
        })
    })
}

/// The user payload: `ExecutionDetails.InputPayload` of the `EXECUTION` operation, whose id
/// is the ARN's last `/` segment (falling back to the first `EXECUTION` operation).
pub(crate) fn execution_input<'a>(
    arn: &str,
    operations: impl Iterator<Item = &'a crate::wire::Operation> + Clone,
) -> Result<Option<String>, InvocationError> {
    let tail = arn.rsplit('/').next().unwrap_or(arn);
    let exec_op = operations
        .clone()
        .find(|o| o.operation_type == OperationType::Execution && &*o.id == tail)
        .or_else(|| {
            operations
                .clone()
                .find(|o| o.operation_type == OperationType::Execution)
        })
        .ok_or_else(|| InvocationError::MalformedEvent("the state holds no EXECUTION operation".into()))?;
    Ok(exec_op
        .execution_details
        .as_ref()
        .and_then(|d| d.input_payload.clone()))
}

/// A blank payload reads as `null`, and, if the input type rejects that, as `{}` (what the
/// reference SDKs pass), so `()`, `Option<T>` and all-default structs accept "no input".
pub(crate) fn parse_input<I: DeserializeOwned>(payload: Option<&str>) -> Result<I, String> {
    match payload.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => serde_json::from_str(p).map_err(|e| e.to_string()),
        None => serde_json::from_str("null")
            .or_else(|_| serde_json::from_str("{}"))
            .map_err(|e: serde_json::Error| {
                format!("no input was given and the input type requires one ({e})")
            }),
    }
}

type CheckpointCall = BoxFuture<'static, Result<CheckpointResponse, CheckpointError>>;

struct InFlight {
    last_seq: u64,
    /// What was sent; acknowledged locally once the call returns.
    request: Arc<CheckpointRequest>,
    call: CheckpointCall,
    /// Pages still to fetch after the response announced more.
    paging: Option<BoxFuture<'static, Result<Vec<Arc<crate::wire::Operation>>, CheckpointError>>>,
    response: Option<CheckpointResponse>,
}

/// Drives the workflow and the checkpoint pump to an [`InvocationOutput`].
struct Driver {
    exec: Arc<Execution>,
    user: Option<BoxFuture<'static, Result<String, DurableError>>>,
    finishing: Option<Result<String, DurableError>>,
    in_flight: Option<InFlight>,
}

enum Pump {
    Progress,
    Idle,
    Failed(CheckpointError),
}

impl Driver {
    fn pump(&mut self, cx: &mut Context<'_>) -> Pump {
        if self.in_flight.is_none() {
            let Some((token, last_seq, sent)) = self.exec.take_batch() else {
                return Pump::Idle;
            };
            let request = Arc::new(CheckpointRequest {
                checkpoint_token: token,
                client_token: None,
                updates: sent,
            });
            let call = self.exec.client.checkpoint(&self.exec.arn, request.clone());
            self.in_flight = Some(InFlight {
                last_seq,
                request,
                call,
                paging: None,
                response: None,
            });
        }
        let Some(flight) = self.in_flight.as_mut() else {
            return Pump::Idle;
        };
        if flight.response.is_none() {
            match flight.call.as_mut().poll(cx) {
                Poll::Pending => return Pump::Idle,
                Poll::Ready(Err(e)) => {
                    self.in_flight = None;
                    return Pump::Failed(e);
                }
                Poll::Ready(Ok(response)) => {
                    let more = response
                        .new_execution_state
                        .as_ref()
                        .and_then(|p| p.next_marker())
                        .map(str::to_owned);
                    // The token is copied only when there are more pages to fetch.
                    if let Some((marker, token)) =
                        more.and_then(|m| Some((m, response.checkpoint_token.clone()?)))
                    {
                        flight.paging = Some(fetch_pages(self.exec.clone(), token, marker));
                    }
                    flight.response = Some(response);
                }
            }
        }
        let mut extra = Vec::new();
        if let Some(paging) = flight.paging.as_mut() {
            match paging.as_mut().poll(cx) {
                Poll::Pending => return Pump::Idle,
                Poll::Ready(Err(e)) => {
                    self.in_flight = None;
                    return Pump::Failed(e);
                }
                Poll::Ready(Ok(ops)) => extra = ops,
            }
        }
        if let Some(flight) = self.in_flight.take() {
            let response = flight.response.unwrap_or_default();
            self.exec
                .acknowledge(flight.last_seq, &flight.request.updates, response);
            if !extra.is_empty() {
                self.exec.merge(extra);
            }
        }
        Pump::Progress
    }

    fn idle(&self) -> bool {
        self.in_flight.is_none() && self.exec.queue_is_idle()
    }

    /// The response for a finished workflow; large results go through an EXECUTION update.
    fn finish(&mut self, outcome: Result<String, DurableError>) -> Option<InvocationOutput> {
        match outcome {
            Ok(result) if result.len() > crate::limits::MAX_EXECUTION_PAYLOAD_BYTES => {
                let error = DurableError::PayloadTooLarge {
                    operation: "the execution result".into(),
                    size: result.len(),
                    limit: crate::limits::MAX_EXECUTION_PAYLOAD_BYTES,
                };
                Some(InvocationOutput::failed(error.error_object()))
            }
            Ok(result) if result.len() > MAX_RESPONSE_BYTES => {
                let id = crate::id::wire_id(&format!("execution-result-{}", crate::clock::now_millis()));
                let mut update = OperationUpdate::new(id, OperationType::Execution, OperationAction::Succeed);
                update.payload = Some(result);
                match self.exec.enqueue(update) {
                    Ok(_) => {
                        self.finishing = Some(Ok(String::new()));
                        None
                    }
                    Err(e) => Some(InvocationOutput::failed(e.error_object())),
                }
            }
            Ok(result) => Some(InvocationOutput::succeeded(result)),
            Err(e) => Some(InvocationOutput::failed(e.error_object())),
        }
    }
}

fn fetch_pages(
    exec: Arc<Execution>,
    token: String,
    marker: String,
) -> BoxFuture<'static, Result<Vec<Arc<crate::wire::Operation>>, CheckpointError>> {
    Box::pin(async move {
        let mut ops = Vec::new();
        let mut marker = Some(marker);
        while let Some(m) = marker {
            let page = exec.client.get_state(&exec.arn, &token, &m).await?;
            marker = page.next_marker().map(str::to_owned);
            ops.extend(page.operations);
        }
        Ok(ops)
    })
}

impl Future for Driver {
    type Output = Result<InvocationOutput, InvocationError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        loop {
            let mut progressed = false;
            if let Some(user) = this.user.as_mut() {
                if let Poll::Ready(outcome) = user.as_mut().poll(cx) {
                    this.user = None;
                    progressed = true;
                    if let Some(recorder) = this.exec.tracer() {
                        recorder.outcome(&outcome);
                    }
                    if this.exec.fatal().is_none() {
                        this.finishing = Some(outcome);
                    }
                }
            }
            // An acknowledgement wakes futures the user's code has not seen yet: the run is
            // quiescent only if the code was polled after the last one.
            let mut pumped = false;
            match this.pump(cx) {
                Pump::Progress => {
                    progressed = true;
                    pumped = true;
                }
                Pump::Idle => {}
                Pump::Failed(e) => {
                    this.exec.set_fatal(DurableError::Checkpoint(e.clone()));
                    return Poll::Ready(if e.is_retryable() {
                        Err(InvocationError::Checkpoint(e))
                    } else {
                        Ok(InvocationOutput::failed(
                            DurableError::Checkpoint(e).error_object(),
                        ))
                    });
                }
            }

            if let Some(fatal) = this.exec.fatal() {
                // Non-determinism, serdes or validation failure: the execution fails. Updates
                // already queued (e.g. a finished step) still go out first.
                if this.idle() || this.exec.lock().closed {
                    this.user = None;
                    return Poll::Ready(Ok(InvocationOutput::failed(fatal.error_object())));
                }
            } else if let Some(outcome) = this.finishing.take() {
                if this.idle() {
                    let closed = this.exec.lock().closed;
                    if closed && outcome.as_ref().is_ok_and(|r| r.is_empty()) {
                        return Poll::Ready(Ok(InvocationOutput::succeeded(String::new())));
                    }
                    // The service revoked the token (PROTOCOL.md §2.3): whatever the code did
                    // after that, e.g. catching the suspend signal and going on, was never
                    // recorded, so the invocation stops PENDING, never FAILED with the signal.
                    if closed || matches!(outcome, Err(DurableError::Suspended)) {
                        return Poll::Ready(Ok(InvocationOutput::pending()));
                    }
                    if let Some(output) = this.finish(outcome) {
                        return Poll::Ready(Ok(output));
                    }
                    continue;
                }
                this.finishing = Some(outcome);
            } else if this.user.is_some() && !pumped {
                let st = this.exec.lock();
                let quiescent = st.running == 0 && st.blocked > 0 && st.queue.is_empty();
                let revoked = st.closed;
                drop(st);
                if revoked || (quiescent && this.in_flight.is_none()) {
                    this.user = None;
                    return Poll::Ready(Ok(InvocationOutput::pending()));
                }
            }
            if !progressed {
                return Poll::Pending;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_input_reads_as_null_then_empty_object() {
        assert_eq!(parse_input::<Option<u32>>(None).unwrap(), None);
        assert_eq!(parse_input::<()>(Some("  ")).unwrap(), ());
        #[derive(serde::Deserialize, Default, PartialEq, Debug)]
        #[serde(default)]
        struct Cfg {
            n: u32,
        }
        assert_eq!(parse_input::<Cfg>(None).unwrap(), Cfg::default());
        assert!(parse_input::<u32>(Some("\"x\"")).is_err());
        assert!(parse_input::<u32>(None).is_err());
    }
}
