//! The durable execution service's semantics over an [`ExecutionRecord`] (PROTOCOL.md
//! §2.2–§2.3): validating and applying checkpoint batches, the operation state machine, token
//! rotation, timers, and the history events the real service records, in the same order and
//! with the same `EventId`s.

use super::store::{CallbackTimer, ExecutionRecord, ExecutionStatus, PendingInvoke};
use durable_core::wire::{
    CallbackStartedDetails, ContextDetails, Empty, EpochMillis, ErrorDetails, ErrorObject, Event,
    EventDetails, EventError, EventPayload, ExecutionStartedDetails, InvocationCompletedDetails, Operation,
    OperationAction, OperationStatus, OperationType, OperationUpdate, ResultDetails, RetryDetails, SharedStr,
    StepDetails, StepFailedDetails, StepSucceededDetails, WaitDetails, WaitStartedDetails,
    WaitSucceededDetails,
};
use durable_core::{limits, CheckpointError};
use std::sync::Arc;

/// A rejected checkpoint, as the service reports it (HTTP 400). A stale token classifies as
/// retryable, like every SDK treats it.
pub(crate) fn invalid(message: impl Into<String>) -> CheckpointError {
    CheckpointError::classify(400, "InvalidParameterValueException", message)
}

/// Creates the record of a new execution with its `EXECUTION` operation and
/// `ExecutionStarted` event.
pub(crate) fn new_execution(
    arn: String,
    workflow: String,
    input: Option<String>,
    now: EpochMillis,
) -> ExecutionRecord {
    let exec_id = arn.rsplit('/').next().unwrap_or(&arn).to_owned();
    let mut op = Operation::new(
        exec_id.clone(),
        OperationType::Execution,
        OperationStatus::Started,
    );
    op.name = Some(workflow.clone().into());
    op.start_timestamp = Some(now);
    op.execution_details = Some(durable_core::wire::ExecutionDetails {
        input_payload: input.clone(),
    });
    let mut record = ExecutionRecord {
        arn,
        workflow,
        status: ExecutionStatus::Running,
        input: input.clone(),
        result: None,
        error: None,
        start: now,
        end: None,
        operations: vec![Arc::new(op)],
        events: Vec::new(),
        token: None,
        token_seq: 0,
        dirty: Vec::new(),
        invocations: 0,
        failed_invocations: 0,
        callbacks: Vec::new(),
        pending_invokes: Vec::new(),
        awaiting_invokes: Vec::new(),
        index: Default::default(),
    };
    push_event(
        &mut record,
        now,
        Some(&exec_id),
        EventDetails::ExecutionStarted(ExecutionStartedDetails {
            input: EventPayload::full(input),
            execution_timeout: None,
        }),
    );
    record
}

/// Issues a fresh token, invalidating the previous one.
pub(crate) fn rotate_token(record: &mut ExecutionRecord) -> String {
    record.token_seq += 1;
    // Opaque to callers, as the service's are: a sequence number (tokens are single-use)
    // and 64 random bits, in hex. Built by hand: this runs on every checkpoint.
    // The record's copy reuses the previous token's buffer.
    let token = record.token.get_or_insert_with(|| String::with_capacity(33));
    token.clear();
    push_hex(token, record.token_seq);
    token.push(':');
    push_hex(token, fastrand::u64(..));
    token.clone()
}

fn push_hex(out: &mut String, n: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for shift in (0..16).rev() {
        out.push(char::from(HEX[((n >> (shift * 4)) & 0xf) as usize]));
    }
}

/// Validates and applies one `CheckpointDurableExecution` call; returns the new token (none
/// once the execution completed) and the operations changed since the caller last looked.
pub(crate) fn checkpoint(
    record: &mut ExecutionRecord,
    token: &str,
    updates: &[OperationUpdate],
    now: EpochMillis,
) -> Result<(Option<String>, Vec<Arc<Operation>>), CheckpointError> {
    if record.token.as_deref() != Some(token) {
        return Err(invalid("Invalid checkpoint token"));
    }
    if record.status.is_terminal() {
        return Err(invalid(format!(
            "execution {} is already {}",
            record.arn,
            record.status.as_str()
        )));
    }
    record.reindex();
    validate(record, updates)?;
    let mut completed = false;
    // The operations this batch changes, by position: they go back in the response with
    // those marked dirty before (timers fired, callbacks answered since the last call).
    let mut changed = Vec::with_capacity(updates.len());
    for u in updates {
        completed |= apply(record, u, now, &mut changed);
    }
    let token = if completed {
        record.token = None;
        None
    } else {
        Some(rotate_token(record))
    };
    Ok((token, take_dirty_with(record, changed)))
}

/// The operations changed since the last response (those marked dirty, and those at
/// positions `at`), in creation order, shared with the record. Costs what changed, not the
/// history's length.
fn take_dirty_with(record: &mut ExecutionRecord, mut at: Vec<usize>) -> Vec<Arc<Operation>> {
    let dirty = std::mem::take(&mut record.dirty);
    record.reindex();
    at.extend(dirty.iter().filter_map(|id| record.position(id)));
    at.sort_unstable();
    at.dedup();
    at.into_iter()
        .filter_map(|i| record.operations.get(i).cloned())
        .collect()
}

fn mark_dirty(record: &mut ExecutionRecord, id: &str) {
    if !record.dirty.iter().any(|d| d == id) {
        record.dirty.push(id.to_owned());
    }
}

/// Checks the whole batch before anything is applied, so a rejected call changes nothing.
fn validate(record: &ExecutionRecord, updates: &[OperationUpdate]) -> Result<(), CheckpointError> {
    if updates.len() > limits::MAX_BATCH_UPDATES {
        return Err(invalid(format!(
            "a checkpoint carries at most {} updates, got {}",
            limits::MAX_BATCH_UPDATES,
            updates.len()
        )));
    }
    // The SDKs batch to 750 KiB, but a single update may carry up to its payload limit
    // (1 MiB; 6 MiB for a synchronous EXECUTION result), so the request limit is the larger
    // of the two. The estimate bounds the real size from above; serialize only when needed.
    let limit = limits::MAX_EXECUTION_PAYLOAD_BYTES + 64 * 1024;
    let bound: usize = updates.iter().map(|u| u.encoded_len_bound() + 1).sum();
    let estimate: usize = if bound > limit {
        updates.iter().map(|u| u.encoded_len() + 1).sum()
    } else {
        bound
    };
    let body = if estimate > limit {
        updates
            .iter()
            .map(|u| serde_json::to_string(u).map_or(usize::MAX / 2, |s| s.len() + 1))
            .sum()
    } else {
        estimate
    };
    if body > limit {
        return Err(invalid(format!(
            "a checkpoint body is at most {limit} bytes, got {body}"
        )));
    }
    for (i, u) in updates.iter().enumerate() {
        // The updates before this one (all but an EXECUTION update, which must be last).
        let seen = || {
            updates[..i]
                .iter()
                .filter(|e| e.operation_type != OperationType::Execution)
        };
        let at = || format!("update {i} ({} {} {})", u.operation_type, u.action.as_str(), u.id);
        if u.id.is_empty() {
            return Err(invalid(format!("{}: Id is required", at())));
        }
        if let Some(p) = &u.payload {
            let limit = if u.operation_type == OperationType::Execution {
                limits::MAX_EXECUTION_PAYLOAD_BYTES
            } else {
                limits::MAX_OPERATION_PAYLOAD_BYTES
            };
            if p.len() > limit {
                return Err(invalid(format!(
                    "{}: Payload of {} bytes exceeds {limit}",
                    at(),
                    p.len()
                )));
            }
        }
        if let Some(e) = &u.error {
            if e.encoded_len() > limits::MAX_ERROR_BYTES {
                return Err(invalid(format!(
                    "{}: Error exceeds {} bytes",
                    at(),
                    limits::MAX_ERROR_BYTES
                )));
            }
        }
        if u.operation_type == OperationType::Execution {
            if i + 1 != updates.len() {
                return Err(invalid(format!(
                    "{}: the EXECUTION update must be the last of its batch",
                    at()
                )));
            }
            match u.action {
                OperationAction::Succeed if u.error.is_none() => {}
                OperationAction::Fail if u.payload.is_none() => {}
                _ => {
                    return Err(invalid(format!(
                        "{}: EXECUTION takes SUCCEED with a Payload or FAIL with an Error",
                        at()
                    )))
                }
            }
            continue;
        }
        if let Some(parent) = &u.parent_id {
            let known = record
                .operation(parent)
                .is_some_and(|p| p.operation_type == OperationType::Context)
                || seen().any(|e| {
                    e.action == OperationAction::Start
                        && e.id == *parent
                        && e.operation_type == OperationType::Context
                });
            if !known {
                return Err(invalid(format!(
                    "{}: ParentId {parent} is not a known CONTEXT operation",
                    at()
                )));
            }
        }
        let earlier = seen().filter(|e| e.id == u.id).count();
        if earlier > 0 {
            let pair_ok = earlier == 1
                && matches!(u.operation_type, OperationType::Step | OperationType::Context)
                && seen().any(|e| e.id == u.id && e.action == OperationAction::Start)
                && u.action != OperationAction::Start;
            if !pair_ok {
                return Err(invalid(format!(
                    "{}: the same operation appears twice in one batch",
                    at()
                )));
            }
        }
        let existing = record.operation(&u.id);
        if let Some(op) = existing {
            let same = op.operation_type == u.operation_type
                && op.sub_type == u.sub_type
                && op.name == u.name
                && op.parent_id == u.parent_id;
            if !same {
                return Err(invalid(format!(
                    "{}: Inconsistent operation: stored as {} {:?} {:?} under {:?}",
                    at(),
                    op.operation_type,
                    op.name,
                    op.sub_type,
                    op.parent_id
                )));
            }
        }
        // The status the operation will have when this update applies.
        let status = if earlier > 0 {
            Some(OperationStatus::Started)
        } else {
            existing.map(|o| o.status)
        };
        check_transition(u, status).map_err(|why| invalid(format!("{}: {why}", at())))?;
    }
    Ok(())
}

/// The service's state machine: which action is valid from which status.
fn check_transition(u: &OperationUpdate, status: Option<OperationStatus>) -> Result<(), String> {
    use OperationAction as A;
    use OperationStatus as S;
    let ok = match (u.operation_type, u.action) {
        (OperationType::Step, A::Start) => matches!(status, None | Some(S::Ready)),
        (OperationType::Step, A::Succeed) => {
            if u.error.is_some() {
                return Err("SUCCEED must not carry an Error".into());
            }
            matches!(status, Some(S::Started | S::Ready))
        }
        (OperationType::Step, A::Fail) => {
            if u.payload.is_some() {
                return Err("FAIL must not carry a Payload".into());
            }
            matches!(status, Some(S::Started | S::Ready))
        }
        (OperationType::Step, A::Retry) => {
            if u.step_options
                .as_ref()
                .and_then(|o| o.next_attempt_delay_seconds)
                .is_none()
            {
                return Err("RETRY requires StepOptions.NextAttemptDelaySeconds".into());
            }
            if u.error.is_some() && u.payload.is_some() {
                return Err("RETRY carries an Error or a Payload, not both".into());
            }
            matches!(status, Some(S::Started | S::Ready))
        }
        (OperationType::Context, A::Start) => status.is_none(),
        (OperationType::Context, A::Succeed | A::Fail) => status == Some(S::Started),
        (OperationType::Wait, A::Start) => {
            let secs = u.wait_options.as_ref().and_then(|o| o.wait_seconds);
            match secs {
                Some(s) if (limits::MIN_WAIT_SECONDS..=limits::MAX_WAIT_SECONDS).contains(&u64::from(s)) => {}
                _ => return Err("WAIT START requires WaitOptions.WaitSeconds between 1 and 31622400".into()),
            }
            status.is_none()
        }
        (OperationType::Wait, A::Cancel) => status == Some(S::Started),
        (OperationType::Callback, A::Start) => status.is_none(),
        (OperationType::ChainedInvoke, A::Start) => {
            if u.chained_invoke_options.is_none() {
                return Err("CHAINED_INVOKE START requires ChainedInvokeOptions".into());
            }
            status.is_none()
        }
        _ => {
            return Err(format!(
                "{} is not a valid action for {}",
                u.action.as_str(),
                u.operation_type
            ))
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} is not valid while the operation is {}",
            u.action.as_str(),
            status.map_or("absent", |s| s.as_str())
        ))
    }
}

/// Applies one validated update; returns whether it completed the execution. The position
/// of the operation it changed goes to `changed`.
fn apply(
    record: &mut ExecutionRecord,
    u: &OperationUpdate,
    now: EpochMillis,
    changed: &mut Vec<usize>,
) -> bool {
    use OperationAction as A;
    if u.operation_type == OperationType::Execution {
        match u.action {
            A::Succeed => complete(record, ExecutionStatus::Succeeded, u.payload.clone(), None, now),
            _ => complete(record, ExecutionStatus::Failed, None, u.error.clone(), now),
        }
        return true;
    }
    let mut at = record.position(&u.id);
    if u.action == A::Start && at.is_none() {
        let mut op = Operation::new(u.id.clone(), u.operation_type, OperationStatus::Started);
        op.parent_id = u.parent_id.clone();
        op.name = u.name.clone();
        op.sub_type = u.sub_type.clone();
        op.start_timestamp = Some(now);
        at = Some(record.operations.len());
        record.operations.push(Arc::new(op));
    }
    let Some(at) = at else {
        return false;
    };
    changed.push(at);
    // Only a new callback needs the ARN (for its id) while the operation is borrowed.
    let record_arn = (u.operation_type == OperationType::Callback).then(|| record.arn.clone());
    let mut new_timer = None;
    let mut new_invoke = None;
    // Copy-on-write: the stored record keeps the operation as it was.
    let op = Arc::make_mut(&mut record.operations[at]);
    let details = match (u.operation_type, u.action) {
        (OperationType::Step, A::Start) => {
            op.status = OperationStatus::Started;
            op.step_details
                .get_or_insert_with(StepDetails::default)
                .next_attempt_timestamp = None;
            EventDetails::StepStarted(Empty {})
        }
        (OperationType::Step, A::Succeed) => {
            let d = op.step_details.get_or_insert_with(StepDetails::default);
            d.attempt += 1;
            d.result = u.payload.clone();
            d.error = None;
            let attempt = d.attempt;
            op.status = OperationStatus::Succeeded;
            op.end_timestamp = Some(now);
            EventDetails::StepSucceeded(StepSucceededDetails {
                result: EventPayload::full(u.payload.clone()),
                retry_details: (attempt > 1).then_some(RetryDetails {
                    current_attempt: attempt,
                    next_attempt_delay_seconds: None,
                }),
            })
        }
        (OperationType::Step, A::Fail) => {
            let d = op.step_details.get_or_insert_with(StepDetails::default);
            d.attempt += 1;
            d.error = u.error.clone();
            let attempt = d.attempt;
            op.status = OperationStatus::Failed;
            op.end_timestamp = Some(now);
            EventDetails::StepFailed(StepFailedDetails {
                error: EventError::full(u.error.clone().unwrap_or_default()),
                retry_details: RetryDetails {
                    current_attempt: attempt,
                    next_attempt_delay_seconds: None,
                },
            })
        }
        (OperationType::Step, A::Retry) => {
            let delay = u
                .step_options
                .as_ref()
                .and_then(|o| o.next_attempt_delay_seconds)
                .unwrap_or(1);
            let d = op.step_details.get_or_insert_with(StepDetails::default);
            d.attempt += 1;
            d.error = u.error.clone();
            if u.payload.is_some() {
                d.result = u.payload.clone();
            }
            d.next_attempt_timestamp = Some(now.plus_seconds(i64::from(delay)));
            let attempt = d.attempt;
            op.status = OperationStatus::Pending;
            let retry_details = RetryDetails {
                current_attempt: attempt,
                next_attempt_delay_seconds: Some(delay),
            };
            if u.error.is_none() {
                // A retry that carries state instead of an error (a wait-for-condition poll
                // that asks to continue) is recorded as a success of that attempt.
                EventDetails::StepSucceeded(StepSucceededDetails {
                    result: EventPayload::full(u.payload.clone()),
                    retry_details: Some(retry_details),
                })
            } else {
                EventDetails::StepFailed(StepFailedDetails {
                    error: EventError {
                        payload: u.error.clone(),
                        truncated: false,
                    },
                    retry_details,
                })
            }
        }
        (OperationType::Context, A::Start) => EventDetails::ContextStarted(Empty {}),
        (OperationType::Context, A::Succeed) => {
            op.status = OperationStatus::Succeeded;
            op.end_timestamp = Some(now);
            op.context_details = Some(ContextDetails {
                replay_children: u.context_options.as_ref().and_then(|o| o.replay_children),
                result: u.payload.clone(),
                error: None,
            });
            EventDetails::ContextSucceeded(ResultDetails {
                result: EventPayload::full(u.payload.clone()),
            })
        }
        (OperationType::Context, A::Fail) => {
            op.status = OperationStatus::Failed;
            op.end_timestamp = Some(now);
            op.context_details = Some(ContextDetails {
                replay_children: None,
                result: None,
                error: u.error.clone(),
            });
            EventDetails::ContextFailed(ErrorDetails {
                error: u.error.clone().map(EventError::full),
            })
        }
        (OperationType::Wait, A::Start) => {
            let secs = u.wait_options.as_ref().and_then(|o| o.wait_seconds).unwrap_or(1);
            let end = now.plus_seconds(i64::from(secs));
            op.wait_details = Some(WaitDetails {
                scheduled_end_timestamp: Some(end),
            });
            EventDetails::WaitStarted(WaitStartedDetails {
                duration: u64::from(secs),
                scheduled_end_timestamp: end,
            })
        }
        (OperationType::ChainedInvoke, A::Start) => {
            let options = u.chained_invoke_options.clone().unwrap_or_default();
            let child_arn = child_arn(&options.function_name);
            new_invoke = Some(PendingInvoke {
                operation_id: u.id.to_string(),
                function_name: options.function_name.clone(),
                tenant_id: options.tenant_id.clone(),
                input: u.payload.clone(),
                execution_arn: child_arn.clone(),
            });
            EventDetails::ChainedInvokeStarted(durable_core::wire::ChainedInvokeStartedDetails {
                function_name: options.function_name,
                tenant_id: options.tenant_id,
                input: Some(EventPayload::full(u.payload.clone())),
                executed_version: Some("$LATEST".into()),
                durable_execution_arn: Some(child_arn),
            })
        }
        (OperationType::Wait, A::Cancel) => {
            op.status = OperationStatus::Cancelled;
            op.end_timestamp = Some(now);
            EventDetails::WaitCancelled(ErrorDetails {
                error: u.error.clone().map(EventError::full),
            })
        }
        (OperationType::Callback, A::Start) => {
            let id = super::callback_id::mint(record_arn.as_deref().unwrap_or_default(), &u.id);
            op.callback_details = Some(durable_core::wire::CallbackDetails {
                callback_id: Some(id.clone()),
                result: None,
                error: None,
            });
            let o = u.callback_options.clone().unwrap_or_default();
            let timeout = o.timeout_seconds.filter(|s| *s > 0);
            let heartbeat = o.heartbeat_timeout_seconds.filter(|s| *s > 0);
            new_timer = Some(CallbackTimer {
                operation_id: u.id.to_string(),
                timeout_at: timeout.map(|s| now.plus_seconds(i64::from(s))),
                heartbeat_seconds: heartbeat,
                heartbeat_at: heartbeat.map(|s| now.plus_seconds(i64::from(s))),
            });
            EventDetails::CallbackStarted(CallbackStartedDetails {
                callback_id: id,
                heartbeat_timeout: o.heartbeat_timeout_seconds.filter(|s| *s > 0).map(u64::from),
                timeout: o.timeout_seconds.filter(|s| *s > 0).map(u64::from),
            })
        }
        _ => return false,
    };
    let (id, name, sub, parent) = (
        op.id.clone(),
        op.name.clone(),
        op.sub_type.clone(),
        op.parent_id.clone(),
    );
    push_op_event(record, now, id, name, sub, parent, details);
    if let Some(timer) = new_timer {
        record.callbacks.push(timer);
    }
    if let Some(invoke) = new_invoke {
        record.pending_invokes.push(invoke);
    }
    false
}

/// A fresh execution ARN for function `function_name`.
pub(crate) fn child_arn(function_name: &str) -> String {
    format!(
        "arn:aws:lambda:local:000000000000:function:{function_name}:$LATEST/durable-execution/{:016x}/{:032x}",
        fastrand::u64(..),
        fastrand::u128(..)
    )
}

/// What a chained invoke of a function nobody registered gets, as on Lambda.
pub(crate) fn function_not_found(function_name: &str) -> ErrorObject {
    ErrorObject::new(
        "ResourceNotFoundException",
        format!("Function not found: {function_name}"),
    )
}

/// The outcome a chained invoke gets from the execution it started, once that ended.
pub(crate) fn invoked_execution_outcome(child: &ExecutionRecord) -> Result<Option<String>, ErrorObject> {
    match child.status {
        ExecutionStatus::Succeeded => Ok(child.result.clone()),
        status => Err(child.error.clone().unwrap_or_else(|| {
            ErrorObject::new(
                "InvokeError",
                format!("the invoked execution ended {}", status.as_str()),
            )
        })),
    }
}

/// Records the outcome of chained invoke `operation_id`.
pub(crate) fn complete_invoke(
    record: &mut ExecutionRecord,
    operation_id: &str,
    outcome: Result<Option<String>, ErrorObject>,
    now: EpochMillis,
) {
    let Some(op) = record.operation_mut(operation_id) else {
        return;
    };
    if op.status != OperationStatus::Started {
        return;
    }
    op.end_timestamp = Some(now);
    let d = op.chained_invoke_details.get_or_insert_with(Default::default);
    let details = match outcome {
        Ok(result) => {
            op.status = OperationStatus::Succeeded;
            d.result = result.clone();
            EventDetails::ChainedInvokeSucceeded(ResultDetails {
                result: EventPayload::full(result),
            })
        }
        Err(error) => {
            op.status = OperationStatus::Failed;
            d.error = Some(error.clone());
            EventDetails::ChainedInvokeFailed(ErrorDetails {
                error: Some(EventError::full(error)),
            })
        }
    };
    let (id, name, sub, parent) = (
        op.id.clone(),
        op.name.clone(),
        op.sub_type.clone(),
        op.parent_id.clone(),
    );
    push_op_event(record, now, id, name, sub, parent, details);
    mark_dirty(record, operation_id);
}

/// Why the callback API refused an answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallbackApiError {
    /// Not an id this service minted, or its execution or operation does not exist.
    #[error("unknown callback id `{0}`")]
    NotFound(String),
    /// The callback already completed, failed or timed out.
    #[error("callback `{id}` is already {status}")]
    AlreadyClosed {
        /// The callback id.
        id: String,
        /// Its status.
        status: String,
    },
    /// The success payload exceeds the service limit.
    #[error("callback result of {size} bytes exceeds the {limit}-byte limit")]
    PayloadTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

/// What an external system says about a callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallbackAnswer {
    /// Success with the raw result (as sent; `None` = empty body).
    Succeed(Option<String>),
    /// Failure with an error.
    Fail(ErrorObject),
    /// Still working: resets the heartbeat timer.
    Heartbeat,
}

/// Applies an external answer to callback operation `operation_id`.
pub(crate) fn answer_callback(
    record: &mut ExecutionRecord,
    callback_id: &str,
    operation_id: &str,
    answer: CallbackAnswer,
    now: EpochMillis,
) -> Result<(), CallbackApiError> {
    let not_found = || CallbackApiError::NotFound(callback_id.to_owned());
    let op = record.operation(operation_id).ok_or_else(not_found)?;
    let minted = op
        .callback_details
        .as_ref()
        .and_then(|d| d.callback_id.as_deref());
    if op.operation_type != OperationType::Callback || minted != Some(callback_id) {
        return Err(not_found());
    }
    if op.status != OperationStatus::Started || record.status.is_terminal() {
        let status = if record.status.is_terminal() {
            record.status.as_str()
        } else {
            op.status.as_str()
        };
        return Err(CallbackApiError::AlreadyClosed {
            id: callback_id.to_owned(),
            status: status.to_owned(),
        });
    }
    if let CallbackAnswer::Succeed(Some(p)) = &answer {
        if p.len() > limits::MAX_OPERATION_PAYLOAD_BYTES {
            return Err(CallbackApiError::PayloadTooLarge {
                size: p.len(),
                limit: limits::MAX_OPERATION_PAYLOAD_BYTES,
            });
        }
    }
    match answer {
        CallbackAnswer::Heartbeat => {
            if let Some(t) = record
                .callbacks
                .iter_mut()
                .find(|t| t.operation_id == operation_id)
            {
                if let Some(s) = t.heartbeat_seconds {
                    t.heartbeat_at = Some(now.plus_seconds(i64::from(s)));
                }
            }
        }
        CallbackAnswer::Succeed(result) => {
            close_callback(
                record,
                operation_id,
                OperationStatus::Succeeded,
                result,
                None,
                now,
            );
        }
        CallbackAnswer::Fail(error) => {
            close_callback(
                record,
                operation_id,
                OperationStatus::Failed,
                None,
                Some(error),
                now,
            );
        }
    }
    Ok(())
}

fn close_callback(
    record: &mut ExecutionRecord,
    operation_id: &str,
    status: OperationStatus,
    result: Option<String>,
    error: Option<ErrorObject>,
    now: EpochMillis,
) {
    record.callbacks.retain(|t| t.operation_id != operation_id);
    let Some(op) = record.operation_mut(operation_id) else {
        return;
    };
    op.status = status;
    op.end_timestamp = Some(now);
    let d = op.callback_details.get_or_insert_with(Default::default);
    d.result = result.clone();
    d.error = error.clone();
    let details = match status {
        OperationStatus::Succeeded => EventDetails::CallbackSucceeded(ResultDetails {
            result: EventPayload::full(result),
        }),
        OperationStatus::TimedOut => EventDetails::CallbackTimedOut(ErrorDetails {
            error: error.map(EventError::full),
        }),
        _ => EventDetails::CallbackFailed(ErrorDetails {
            error: error.map(EventError::full),
        }),
    };
    let (id, name, sub, parent) = (
        op.id.clone(),
        op.name.clone(),
        op.sub_type.clone(),
        op.parent_id.clone(),
    );
    push_op_event(record, now, id, name, sub, parent, details);
    mark_dirty(record, operation_id);
}

/// Ends the execution.
pub(crate) fn complete(
    record: &mut ExecutionRecord,
    status: ExecutionStatus,
    result: Option<String>,
    error: Option<ErrorObject>,
    now: EpochMillis,
) {
    if record.status.is_terminal() {
        return;
    }
    record.status = status;
    record.result = result.clone();
    record.error = error.clone();
    record.end = Some(now);
    record.token = None;
    let exec_id = record.operations.first().map(|o| o.id.clone());
    if let Some(op) = record.operations.first_mut().map(Arc::make_mut) {
        op.status = match status {
            ExecutionStatus::Succeeded => OperationStatus::Succeeded,
            ExecutionStatus::Failed => OperationStatus::Failed,
            ExecutionStatus::TimedOut => OperationStatus::TimedOut,
            ExecutionStatus::Stopped => OperationStatus::Stopped,
            ExecutionStatus::Running => OperationStatus::Started,
        };
        op.end_timestamp = Some(now);
    }
    let details = match status {
        ExecutionStatus::Succeeded => EventDetails::ExecutionSucceeded(ResultDetails {
            result: EventPayload::full(result),
        }),
        ExecutionStatus::TimedOut => EventDetails::ExecutionTimedOut(ErrorDetails {
            error: error.map(EventError::full),
        }),
        ExecutionStatus::Stopped => EventDetails::ExecutionStopped(ErrorDetails {
            error: error.map(EventError::full),
        }),
        _ => EventDetails::ExecutionFailed(ErrorDetails {
            error: error.map(EventError::full),
        }),
    };
    push_event(record, now, exec_id.as_deref(), details);
}

/// Records `InvocationCompleted` for the invocation that ran from `start` to `end`.
pub(crate) fn invocation_completed(
    record: &mut ExecutionRecord,
    start: EpochMillis,
    end: EpochMillis,
    request_id: String,
    error: Option<ErrorObject>,
) {
    record.token = None;
    push_event(
        record,
        end,
        None,
        EventDetails::InvocationCompleted(InvocationCompletedDetails {
            start_timestamp: start,
            end_timestamp: end,
            request_id,
            error: error.map(EventError::full),
        }),
    );
}

/// The earliest pending timer (wait end or step retry), if any.
pub(crate) fn next_timer(record: &ExecutionRecord) -> Option<EpochMillis> {
    let callbacks = record
        .callbacks
        .iter()
        .filter_map(CallbackTimer::next_deadline)
        .min();
    let ops = record
        .operations
        .iter()
        .filter_map(|op| operation_timer(op))
        .min();
    match (ops, callbacks) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// When `op`'s timer fires, if it has one: the end of a running wait, or the next attempt
/// of a step waiting to retry.
pub(crate) fn operation_timer(op: &Operation) -> Option<EpochMillis> {
    match (op.operation_type, op.status) {
        (OperationType::Wait, OperationStatus::Started) => op.wait_details.as_ref()?.scheduled_end_timestamp,
        (OperationType::Step, OperationStatus::Pending) => op.step_details.as_ref()?.next_attempt_timestamp,
        _ => None,
    }
}

/// Fires every timer due at `now`: waits succeed, pending steps become `READY`. Returns the
/// ids of the operations that changed.
pub(crate) fn fire_timers(record: &mut ExecutionRecord, now: EpochMillis) -> Vec<String> {
    let mut fired = Vec::new();
    let mut events = Vec::new();
    for slot in &mut record.operations {
        let Some(due) = operation_timer(slot).filter(|t| *t <= now) else {
            continue;
        };
        // Copied only now: untouched operations stay shared with the stored record.
        let op = Arc::make_mut(slot);
        fired.push(op.id.to_string());
        if op.operation_type == OperationType::Wait {
            op.status = OperationStatus::Succeeded;
            op.end_timestamp = Some(now);
            let duration = op
                .start_timestamp
                .map_or(0, |s| ((due.0 - s.0) / 1000).max(0) as u64);
            events.push((
                op.id.clone(),
                op.name.clone(),
                op.sub_type.clone(),
                op.parent_id.clone(),
                EventDetails::WaitSucceeded(WaitSucceededDetails { duration }),
            ));
        } else {
            // A step waiting to retry.
            op.status = OperationStatus::Ready;
        }
    }
    for (id, name, sub, parent, details) in events {
        push_op_event(record, now, id, name, sub, parent, details);
    }
    for id in &fired {
        mark_dirty(record, id);
    }
    let expired: Vec<(String, &'static str)> = record
        .callbacks
        .iter()
        .filter_map(|t| {
            if t.timeout_at.is_some_and(|at| at <= now) {
                Some((t.operation_id.clone(), "Callback.Timeout"))
            } else if t.heartbeat_at.is_some_and(|at| at <= now) {
                Some((t.operation_id.clone(), "Callback.Heartbeat"))
            } else {
                None
            }
        })
        .collect();
    for (op_id, kind) in expired {
        // The service's wording, as AWS's emulator writes it (found by the differential test).
        let message = if kind == "Callback.Timeout" {
            "Callback timed out"
        } else {
            "Callback timed out on heartbeat"
        };
        close_callback(
            record,
            &op_id,
            OperationStatus::TimedOut,
            None,
            Some(ErrorObject::new(kind, message)),
            now,
        );
        fired.push(op_id);
    }
    fired
}

fn push_op_event(
    record: &mut ExecutionRecord,
    now: EpochMillis,
    id: SharedStr,
    name: Option<SharedStr>,
    sub_type: Option<durable_core::wire::Label>,
    parent_id: Option<SharedStr>,
    details: EventDetails,
) {
    let event_id = record.events.len() as u64 + 1;
    record.events.push(Arc::new(Event {
        event_type: details.event_type().into(),
        sub_type,
        event_id,
        id: Some(id),
        name,
        parent_id,
        event_timestamp: now,
        details,
    }));
}

fn push_event(record: &mut ExecutionRecord, now: EpochMillis, id: Option<&str>, details: EventDetails) {
    let event_id = record.events.len() as u64 + 1;
    let name = match details {
        EventDetails::InvocationCompleted(_) => None,
        _ => Some(record.workflow.clone()),
    };
    record.events.push(Arc::new(Event {
        event_type: details.event_type().into(),
        sub_type: None,
        event_id,
        id: id.map(str::to_owned).map(Into::into),
        name: name.map(Into::into),
        parent_id: None,
        event_timestamp: now,
        details,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use durable_core::wire::{StepOptions, WaitOptions};

    fn record() -> (ExecutionRecord, String) {
        let mut r = new_execution(
            "arn:x/inv".into(),
            "wf".into(),
            Some("1".into()),
            EpochMillis(1_000),
        );
        let t = rotate_token(&mut r);
        (r, t)
    }

    fn update(id: &str, t: OperationType, a: OperationAction) -> OperationUpdate {
        let mut u = OperationUpdate::new(id, t, a);
        u.sub_type = Some(match t {
            OperationType::Wait => "Wait".into(),
            OperationType::Context => "RunInChildContext".into(),
            _ => "Step".into(),
        });
        u
    }

    fn rejects(r: &mut ExecutionRecord, token: &str, updates: &[OperationUpdate], needle: &str) {
        let before = r.clone();
        match checkpoint(r, token, updates, EpochMillis(2_000)) {
            Err(e) => assert!(e.message.contains(needle), "{e}"),
            Ok(_) => panic!("accepted an invalid batch: {updates:?}"),
        }
        assert_eq!(*r, before, "a rejected batch must change nothing");
    }

    #[test]
    fn tokens_are_single_use() {
        let (mut r, t) = record();
        let (next, _) = checkpoint(
            &mut r,
            &t,
            &[update("a", OperationType::Step, OperationAction::Start)],
            EpochMillis(2_000),
        )
        .unwrap();
        assert!(next.is_some());
        let err = checkpoint(&mut r, &t, &[], EpochMillis(2_000)).unwrap_err();
        assert!(err.is_retryable(), "a stale token is retryable: {err}");
    }

    #[test]
    fn invalid_transitions_are_rejected_atomically() {
        let (mut r, t) = record();
        let start = update("a", OperationType::Step, OperationAction::Start);
        let succeed = update("a", OperationType::Step, OperationAction::Succeed);
        let (t, _) = checkpoint(&mut r, &t, std::slice::from_ref(&start), EpochMillis(2_000)).unwrap();
        let t = t.unwrap();
        rejects(
            &mut r,
            &t,
            std::slice::from_ref(&start),
            "START is not valid while the operation is STARTED",
        );
        let mut retry = update("a", OperationType::Step, OperationAction::Retry);
        rejects(&mut r, &t, &[retry.clone()], "NextAttemptDelaySeconds");
        retry.step_options = Some(StepOptions {
            next_attempt_delay_seconds: Some(1),
        });
        let mut renamed = succeed.clone();
        renamed.name = Some("other".into());
        rejects(&mut r, &t, &[renamed], "Inconsistent operation");
        let mut orphan = update("b", OperationType::Step, OperationAction::Start);
        orphan.parent_id = Some("nope".into());
        rejects(&mut r, &t, &[orphan], "ParentId");
        rejects(
            &mut r,
            &t,
            &[update("w", OperationType::Wait, OperationAction::Start)],
            "WaitSeconds",
        );
        let many: Vec<_> = (0..251)
            .map(|i| update(&format!("s{i}"), OperationType::Step, OperationAction::Start))
            .collect();
        rejects(&mut r, &t, &many, "at most 250");
        let mut exec = update("e", OperationType::Execution, OperationAction::Succeed);
        exec.sub_type = None;
        rejects(&mut r, &t, &[exec, succeed.clone()], "must be the last");
        // A valid RETRY then moves the step to PENDING with its timer.
        let (t, changed) = checkpoint(&mut r, &t, &[retry], EpochMillis(3_000)).unwrap();
        assert!(t.is_some());
        assert_eq!(changed[0].status, OperationStatus::Pending);
        assert_eq!(next_timer(&r), Some(EpochMillis(4_000)));
        assert!(fire_timers(&mut r, EpochMillis(3_999)).is_empty());
        assert_eq!(fire_timers(&mut r, EpochMillis(4_000)), vec!["a".to_owned()]);
        assert_eq!(r.operation("a").unwrap().status, OperationStatus::Ready);
    }

    #[test]
    fn start_and_finish_may_share_a_batch_and_children_may_follow_their_parent() {
        let (mut r, t) = record();
        let ctx = update("c", OperationType::Context, OperationAction::Start);
        let mut child = update("s", OperationType::Step, OperationAction::Start);
        child.parent_id = Some("c".into());
        let mut child_done = update("s", OperationType::Step, OperationAction::Succeed);
        child_done.parent_id = Some("c".into());
        child_done.payload = Some("1".into());
        let mut wait = update("w", OperationType::Wait, OperationAction::Start);
        wait.wait_options = Some(WaitOptions {
            wait_seconds: Some(5),
        });
        let (_, changed) =
            checkpoint(&mut r, &t, &[ctx, child, child_done, wait], EpochMillis(2_000)).unwrap();
        assert_eq!(changed.len(), 3);
        let types: Vec<_> = r.events.iter().map(|e| &*e.event_type).collect();
        assert_eq!(
            types,
            [
                "ExecutionStarted",
                "ContextStarted",
                "StepStarted",
                "StepSucceeded",
                "WaitStarted"
            ]
        );
        let ids: Vec<_> = r.events.iter().map(|e| e.event_id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5]);
    }
}
