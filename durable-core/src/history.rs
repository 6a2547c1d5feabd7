//! A recorded history, read back: the service's history events (`GetDurableExecutionHistory`,
//! the local engine's `durable history --json`, a test run's history) folded into the
//! operation records an invocation would have been handed, so the current code can be
//! replayed against an execution recorded by an earlier build.
//!
//! Payloads come back only if the history was fetched with its execution data
//! (`IncludeExecutionData=true`); a truncated payload becomes a missing one, and a replay that
//! needs it fails to decode it.

use crate::wire::{
    CallbackDetails, ChainedInvokeDetails, ContextDetails, ErrorObject, Event, EventDetails, EventError,
    EventPayload, ExecutionDetails, Operation, OperationStatus, OperationType, StepDetails, WaitDetails,
};
use std::collections::HashMap;

/// How a recorded execution ended, if its history says.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordedOutcome {
    /// It succeeded with this result JSON (`None`: no result, or left out of the history).
    Succeeded(Option<String>),
    /// It failed, timed out or was stopped.
    Failed(Option<ErrorObject>),
}

/// Folds history events into operation records, in the order operations first appear. The
/// `EXECUTION` operation comes from `ExecutionStarted` (its id is the event's `Id`).
pub fn operations_from_events(events: &[Event]) -> Vec<Operation> {
    let mut order: Vec<String> = Vec::new();
    let mut ops: HashMap<String, Operation> = HashMap::new();
    for event in events {
        let Some(id) = event.id.clone() else { continue };
        let Some((op_type, status)) = kind_of(&event.details) else {
            continue;
        };
        let op = ops.entry(id.to_string()).or_insert_with(|| {
            order.push(id.to_string());
            let mut op = Operation::new(id.clone(), op_type, status);
            op.parent_id = event.parent_id.clone();
            op.name = event.name.clone();
            op.sub_type = event.sub_type.clone();
            op.start_timestamp = Some(event.event_timestamp);
            op
        });
        op.status = status;
        if status.is_terminal() {
            op.end_timestamp = Some(event.event_timestamp);
        }
        apply(op, &event.details);
    }
    order.into_iter().filter_map(|id| ops.remove(&id)).collect()
}

/// The outcome the history records for the execution, if it ended.
pub fn outcome_from_events(events: &[Event]) -> Option<RecordedOutcome> {
    events.iter().rev().find_map(|e| match &e.details {
        EventDetails::ExecutionSucceeded(d) => Some(RecordedOutcome::Succeeded(payload(&d.result))),
        EventDetails::ExecutionFailed(d)
        | EventDetails::ExecutionTimedOut(d)
        | EventDetails::ExecutionStopped(d) => Some(RecordedOutcome::Failed(error(d.error.as_ref()))),
        _ => None,
    })
}

fn payload(p: &EventPayload) -> Option<String> {
    if p.truncated {
        None
    } else {
        p.payload.clone()
    }
}

fn error(e: Option<&EventError>) -> Option<ErrorObject> {
    e.and_then(|e| e.payload.clone())
}

/// The operation type an event belongs to and the status it leaves the operation in;
/// `None` for events about no operation (`InvocationCompleted`).
fn kind_of(details: &EventDetails) -> Option<(OperationType, OperationStatus)> {
    use OperationStatus as S;
    use OperationType as T;
    Some(match details {
        EventDetails::ExecutionStarted(_) => (T::Execution, S::Started),
        EventDetails::ExecutionSucceeded(_) => (T::Execution, S::Succeeded),
        EventDetails::ExecutionFailed(_) => (T::Execution, S::Failed),
        EventDetails::ExecutionTimedOut(_) => (T::Execution, S::TimedOut),
        EventDetails::ExecutionStopped(_) => (T::Execution, S::Stopped),
        EventDetails::ContextStarted(_) => (T::Context, S::Started),
        EventDetails::ContextSucceeded(_) => (T::Context, S::Succeeded),
        EventDetails::ContextFailed(_) => (T::Context, S::Failed),
        EventDetails::WaitStarted(_) => (T::Wait, S::Started),
        EventDetails::WaitSucceeded(_) => (T::Wait, S::Succeeded),
        EventDetails::WaitCancelled(_) => (T::Wait, S::Cancelled),
        EventDetails::StepStarted(_) => (T::Step, S::Started),
        EventDetails::StepSucceeded(_) => (T::Step, S::Succeeded),
        // A failed attempt with a retry to come leaves the step pending.
        EventDetails::StepFailed(d) if d.retry_details.next_attempt_delay_seconds.is_some() => {
            (T::Step, S::Pending)
        }
        EventDetails::StepFailed(_) => (T::Step, S::Failed),
        EventDetails::ChainedInvokeStarted(_) => (T::ChainedInvoke, S::Started),
        EventDetails::ChainedInvokeSucceeded(_) => (T::ChainedInvoke, S::Succeeded),
        EventDetails::ChainedInvokeFailed(_) => (T::ChainedInvoke, S::Failed),
        EventDetails::ChainedInvokeTimedOut(_) => (T::ChainedInvoke, S::TimedOut),
        EventDetails::ChainedInvokeStopped(_) => (T::ChainedInvoke, S::Stopped),
        EventDetails::CallbackStarted(_) => (T::Callback, S::Started),
        EventDetails::CallbackSucceeded(_) => (T::Callback, S::Succeeded),
        EventDetails::CallbackFailed(_) => (T::Callback, S::Failed),
        EventDetails::CallbackTimedOut(_) => (T::Callback, S::TimedOut),
        EventDetails::InvocationCompleted(_) => return None,
    })
}

/// Copies what an event says about its operation into the record.
fn apply(op: &mut Operation, details: &EventDetails) {
    match details {
        EventDetails::ExecutionStarted(d) => {
            op.execution_details = Some(ExecutionDetails {
                input_payload: payload(&d.input),
            });
        }
        EventDetails::ContextSucceeded(d) => {
            op.context_details
                .get_or_insert_with(ContextDetails::default)
                .result = payload(&d.result);
        }
        EventDetails::ContextFailed(d) => {
            op.context_details
                .get_or_insert_with(ContextDetails::default)
                .error = error(d.error.as_ref());
        }
        EventDetails::StepStarted(_) => {
            let step = op.step_details.get_or_insert_with(StepDetails::default);
            step.next_attempt_timestamp = None;
        }
        EventDetails::StepSucceeded(d) => {
            let step = op.step_details.get_or_insert_with(StepDetails::default);
            step.result = payload(&d.result);
            step.error = None;
            step.attempt = d
                .retry_details
                .as_ref()
                .map(|r| r.current_attempt)
                .filter(|&n| n > 0)
                .unwrap_or(step.attempt.saturating_add(1));
        }
        EventDetails::StepFailed(d) => {
            let step = op.step_details.get_or_insert_with(StepDetails::default);
            step.error = d.error.payload.clone();
            step.attempt = d.retry_details.current_attempt;
            // Saturating: a history may carry any attempt count, timestamp and delay.
            step.next_attempt_timestamp = d
                .retry_details
                .next_attempt_delay_seconds
                .map(|s| op.start_timestamp.unwrap_or_default().plus_seconds(i64::from(s)));
        }
        EventDetails::WaitStarted(d) => {
            op.wait_details = Some(WaitDetails {
                scheduled_end_timestamp: Some(d.scheduled_end_timestamp),
            });
        }
        EventDetails::CallbackStarted(d) => {
            op.callback_details
                .get_or_insert_with(CallbackDetails::default)
                .callback_id = Some(d.callback_id.clone());
        }
        EventDetails::CallbackSucceeded(d) => {
            op.callback_details
                .get_or_insert_with(CallbackDetails::default)
                .result = payload(&d.result);
        }
        EventDetails::CallbackFailed(d) | EventDetails::CallbackTimedOut(d) => {
            op.callback_details
                .get_or_insert_with(CallbackDetails::default)
                .error = error(d.error.as_ref());
        }
        EventDetails::ChainedInvokeSucceeded(d) => {
            op.chained_invoke_details
                .get_or_insert_with(ChainedInvokeDetails::default)
                .result = payload(&d.result);
        }
        EventDetails::ChainedInvokeFailed(d)
        | EventDetails::ChainedInvokeTimedOut(d)
        | EventDetails::ChainedInvokeStopped(d) => {
            op.chained_invoke_details
                .get_or_insert_with(ChainedInvokeDetails::default)
                .error = error(d.error.as_ref());
        }
        _ => {}
    }
}
