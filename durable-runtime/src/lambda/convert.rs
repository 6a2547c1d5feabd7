//! Conversions between durable's serde wire model ([`crate::wire`], epoch-millisecond
//! timestamps) and `aws_sdk_lambda::types` (the API's epoch-second `DateTime`s).

use crate::error::CheckpointError;
use crate::wire::{
    CallbackDetails, CallbackStartedDetails, ChainedInvokeDetails, ChainedInvokeStartedDetails,
    ContextDetails, Empty, EpochMillis, ErrorDetails, ErrorObject, Event, EventDetails, EventError,
    EventPayload, ExecutionDetails, ExecutionStartedDetails, InvocationCompletedDetails, Operation,
    OperationStatus, OperationType, OperationUpdate, ResultDetails, RetryDetails, StepDetails,
    StepFailedDetails, StepSucceededDetails, WaitDetails, WaitStartedDetails, WaitSucceededDetails,
};
use aws_sdk_lambda::primitives::DateTime;
use aws_sdk_lambda::types as sdk;

/// A value the SDK returned that durable's model cannot represent (an unknown enum value, an
/// out-of-range timestamp). Terminal: retrying would read the same value again.
fn bad_response(what: impl Into<String>) -> CheckpointError {
    CheckpointError::terminal("InvalidServiceResponse", what)
}

/// A request durable built that the SDK's builders reject.
fn bad_request(what: impl Into<String>) -> CheckpointError {
    CheckpointError::terminal("InvalidCheckpointRequest", what)
}

/// The SDK's `DateTime` → milliseconds.
/// Rounded to the nearest millisecond, as the JSON form (epoch seconds with a fraction) is
/// read: the service and the emulator send sub-millisecond fractions, and a history read
/// through the SDK must give the same operations as the same history read as JSON.
pub(crate) fn from_datetime(t: &DateTime) -> Result<EpochMillis, CheckpointError> {
    let millis = i64::from((t.subsec_nanos() + 500_000) / 1_000_000);
    t.secs()
        .checked_mul(1000)
        .and_then(|ms| ms.checked_add(millis))
        .map(EpochMillis)
        .ok_or_else(|| bad_response(format!("timestamp out of range: {t}")))
}

/// An enum value through its wire spelling.
fn wire_enum<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, CheckpointError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| bad_response(format!("unknown {what} `{text}`")))
}

/// durable's `ErrorObject` → the SDK's.
pub(crate) fn error_to_sdk(e: &ErrorObject) -> sdk::ErrorObject {
    sdk::ErrorObject::builder()
        .set_error_message(e.error_message.clone())
        .set_error_type(e.error_type.clone())
        .set_error_data(e.error_data.clone())
        .set_stack_trace(e.stack_trace.clone())
        .build()
}

/// The SDK's `ErrorObject` → durable's.
pub(crate) fn error_from_sdk(e: &sdk::ErrorObject) -> ErrorObject {
    ErrorObject {
        error_message: e.error_message.clone(),
        error_type: e.error_type.clone(),
        error_data: e.error_data.clone(),
        stack_trace: e.stack_trace.clone(),
    }
}

fn seconds_i32(v: u32, what: &str) -> Result<i32, CheckpointError> {
    i32::try_from(v).map_err(|_| bad_request(format!("{what} {v} is out of range")))
}

/// durable's `OperationUpdate` → the SDK's.
pub fn update_to_sdk(u: &OperationUpdate) -> Result<sdk::OperationUpdate, CheckpointError> {
    let step_options = match &u.step_options {
        Some(o) => Some(
            sdk::StepOptions::builder()
                .set_next_attempt_delay_seconds(
                    o.next_attempt_delay_seconds
                        .map(|s| seconds_i32(s, "NextAttemptDelaySeconds"))
                        .transpose()?,
                )
                .build(),
        ),
        None => None,
    };
    let wait_options = match &u.wait_options {
        Some(o) => Some(
            sdk::WaitOptions::builder()
                .set_wait_seconds(
                    o.wait_seconds
                        .map(|s| seconds_i32(s, "WaitSeconds"))
                        .transpose()?,
                )
                .build(),
        ),
        None => None,
    };
    let callback_options = match &u.callback_options {
        Some(o) => Some(
            sdk::CallbackOptions::builder()
                .timeout_seconds(seconds_i32(o.timeout_seconds.unwrap_or(0), "TimeoutSeconds")?)
                .heartbeat_timeout_seconds(seconds_i32(
                    o.heartbeat_timeout_seconds.unwrap_or(0),
                    "HeartbeatTimeoutSeconds",
                )?)
                .build(),
        ),
        None => None,
    };
    let chained_invoke_options = match &u.chained_invoke_options {
        Some(o) => Some(
            sdk::ChainedInvokeOptions::builder()
                .function_name(o.function_name.clone())
                .set_tenant_id(o.tenant_id.clone())
                .build()
                .map_err(|e| bad_request(e.to_string()))?,
        ),
        None => None,
    };
    sdk::OperationUpdate::builder()
        .id(u.id.to_string())
        .set_parent_id(u.parent_id.as_deref().map(str::to_owned))
        .set_name(u.name.as_deref().map(str::to_owned))
        .r#type(sdk::OperationType::from(u.operation_type.as_str()))
        .set_sub_type(u.sub_type.as_deref().map(str::to_owned))
        .action(sdk::OperationAction::from(u.action.as_str()))
        .set_payload(u.payload.clone())
        .set_error(u.error.as_ref().map(error_to_sdk))
        .set_context_options(u.context_options.as_ref().map(|o| {
            sdk::ContextOptions::builder()
                .set_replay_children(o.replay_children)
                .build()
        }))
        .set_step_options(step_options)
        .set_wait_options(wait_options)
        .set_callback_options(callback_options)
        .set_chained_invoke_options(chained_invoke_options)
        .build()
        .map_err(|e| bad_request(e.to_string()))
}

/// The SDK's `Operation` → durable's.
pub fn operation_from_sdk(o: &sdk::Operation) -> Result<Operation, CheckpointError> {
    let operation_type: OperationType = wire_enum(o.r#type.as_str(), "operation type")?;
    let status: OperationStatus = wire_enum(o.status.as_str(), "operation status")?;
    let mut op = Operation::new(o.id.clone(), operation_type, status);
    op.parent_id = o.parent_id.clone().map(Into::into);
    op.name = o.name.clone().map(Into::into);
    op.sub_type = o.sub_type.clone().map(Into::into);
    op.start_timestamp = Some(from_datetime(&o.start_timestamp)?);
    op.end_timestamp = o.end_timestamp.as_ref().map(from_datetime).transpose()?;
    op.execution_details = o.execution_details.as_ref().map(|d| ExecutionDetails {
        input_payload: d.input_payload.clone(),
    });
    op.context_details = o.context_details.as_ref().map(|d| ContextDetails {
        replay_children: d.replay_children,
        result: d.result.clone(),
        error: d.error.as_ref().map(error_from_sdk),
    });
    op.step_details = match &o.step_details {
        Some(d) => Some(StepDetails {
            attempt: u32::try_from(d.attempt).unwrap_or(0),
            next_attempt_timestamp: d.next_attempt_timestamp.as_ref().map(from_datetime).transpose()?,
            result: d.result.clone(),
            error: d.error.as_ref().map(error_from_sdk),
        }),
        None => None,
    };
    op.wait_details = match &o.wait_details {
        Some(d) => Some(WaitDetails {
            scheduled_end_timestamp: d
                .scheduled_end_timestamp
                .as_ref()
                .map(from_datetime)
                .transpose()?,
        }),
        None => None,
    };
    op.callback_details = o.callback_details.as_ref().map(|d| CallbackDetails {
        callback_id: d.callback_id.clone(),
        result: d.result.clone(),
        error: d.error.as_ref().map(error_from_sdk),
    });
    op.chained_invoke_details = o.chained_invoke_details.as_ref().map(|d| ChainedInvokeDetails {
        result: d.result.clone(),
        error: d.error.as_ref().map(error_from_sdk),
    });
    Ok(op)
}

/// A list of SDK operations → durable's.
pub fn operations_from_sdk(ops: &[sdk::Operation]) -> Result<Vec<Operation>, CheckpointError> {
    ops.iter().map(operation_from_sdk).collect()
}

/// The SDK's history `Event` → durable's (what `durable history --json` writes and
/// [`crate::replay::RecordedHistory::from_events`] reads).
pub fn event_from_sdk(e: &sdk::Event) -> Result<Event, CheckpointError> {
    let payload = |p: Option<(&Option<String>, &Option<bool>)>| match p {
        Some((payload, truncated)) => EventPayload {
            payload: payload.clone(),
            truncated: truncated.unwrap_or(false),
        },
        None => EventPayload::default(),
    };
    let result = |r: &Option<sdk::EventResult>| payload(r.as_ref().map(|r| (&r.payload, &r.truncated)));
    let input = |r: &Option<sdk::EventInput>| payload(r.as_ref().map(|r| (&r.payload, &r.truncated)));
    let error = |r: &Option<sdk::EventError>| {
        r.as_ref().map(|r| EventError {
            payload: r.payload.as_ref().map(error_from_sdk),
            truncated: r.truncated.unwrap_or(false),
        })
    };
    let errors = |r: &Option<sdk::EventError>| ErrorDetails { error: error(r) };
    let retry = |r: &sdk::RetryDetails| RetryDetails {
        current_attempt: u32::try_from(r.current_attempt).unwrap_or(0),
        next_attempt_delay_seconds: r.next_attempt_delay_seconds.and_then(|s| u32::try_from(s).ok()),
    };
    let secs = |v: i32| u64::try_from(v).unwrap_or(0);
    let event_type = e.event_type.as_ref().map_or("", |t| t.as_str());
    let details = match event_type {
        "ExecutionStarted" => EventDetails::ExecutionStarted(ExecutionStartedDetails {
            input: e
                .execution_started_details
                .as_ref()
                .map_or_else(EventPayload::default, |d| input(&d.input)),
            execution_timeout: e
                .execution_started_details
                .as_ref()
                .map(|d| secs(d.execution_timeout)),
        }),
        "ExecutionSucceeded" => EventDetails::ExecutionSucceeded(ResultDetails {
            result: e
                .execution_succeeded_details
                .as_ref()
                .map_or_else(EventPayload::default, |d| result(&d.result)),
        }),
        "ExecutionFailed" => EventDetails::ExecutionFailed(errors(
            &e.execution_failed_details.as_ref().and_then(|d| d.error.clone()),
        )),
        "ExecutionTimedOut" => EventDetails::ExecutionTimedOut(errors(
            &e.execution_timed_out_details
                .as_ref()
                .and_then(|d| d.error.clone()),
        )),
        "ExecutionStopped" => EventDetails::ExecutionStopped(errors(
            &e.execution_stopped_details.as_ref().and_then(|d| d.error.clone()),
        )),
        "ContextStarted" => EventDetails::ContextStarted(Empty {}),
        "ContextSucceeded" => EventDetails::ContextSucceeded(ResultDetails {
            result: e
                .context_succeeded_details
                .as_ref()
                .map_or_else(EventPayload::default, |d| result(&d.result)),
        }),
        "ContextFailed" => EventDetails::ContextFailed(errors(
            &e.context_failed_details.as_ref().and_then(|d| d.error.clone()),
        )),
        "WaitStarted" => {
            let d = e
                .wait_started_details
                .as_ref()
                .ok_or_else(|| bad_response("WaitStarted event without WaitStartedDetails"))?;
            EventDetails::WaitStarted(WaitStartedDetails {
                duration: secs(d.duration),
                scheduled_end_timestamp: from_datetime(&d.scheduled_end_timestamp)?,
            })
        }
        "WaitSucceeded" => EventDetails::WaitSucceeded(WaitSucceededDetails {
            duration: e
                .wait_succeeded_details
                .as_ref()
                .and_then(|d| d.duration)
                .map_or(0, secs),
        }),
        "WaitCancelled" => EventDetails::WaitCancelled(errors(
            &e.wait_cancelled_details.as_ref().and_then(|d| d.error.clone()),
        )),
        "StepStarted" => EventDetails::StepStarted(Empty {}),
        "StepSucceeded" => EventDetails::StepSucceeded(StepSucceededDetails {
            result: e
                .step_succeeded_details
                .as_ref()
                .map_or_else(EventPayload::default, |d| result(&d.result)),
            retry_details: e
                .step_succeeded_details
                .as_ref()
                .and_then(|d| d.retry_details.as_ref())
                .map(retry),
        }),
        "StepFailed" => {
            let d = e.step_failed_details.as_ref();
            EventDetails::StepFailed(StepFailedDetails {
                error: error(&d.and_then(|d| d.error.clone())).unwrap_or_default(),
                retry_details: d
                    .and_then(|d| d.retry_details.as_ref())
                    .map(retry)
                    .unwrap_or_default(),
            })
        }
        "ChainedInvokeStarted" => {
            let d = e.chained_invoke_started_details.as_ref();
            EventDetails::ChainedInvokeStarted(ChainedInvokeStartedDetails {
                function_name: d.map_or_else(String::new, |d| d.function_name.clone()),
                tenant_id: d.and_then(|d| d.tenant_id.clone()),
                input: d
                    .and_then(|d| d.input.as_ref())
                    .map(|i| payload(Some((&i.payload, &i.truncated)))),
                executed_version: d.and_then(|d| d.executed_version.clone()),
                durable_execution_arn: d.and_then(|d| d.durable_execution_arn.clone()),
            })
        }
        "ChainedInvokeSucceeded" => EventDetails::ChainedInvokeSucceeded(ResultDetails {
            result: e
                .chained_invoke_succeeded_details
                .as_ref()
                .map_or_else(EventPayload::default, |d| result(&d.result)),
        }),
        "ChainedInvokeFailed" => EventDetails::ChainedInvokeFailed(errors(
            &e.chained_invoke_failed_details
                .as_ref()
                .and_then(|d| d.error.clone()),
        )),
        "ChainedInvokeTimedOut" => EventDetails::ChainedInvokeTimedOut(errors(
            &e.chained_invoke_timed_out_details
                .as_ref()
                .and_then(|d| d.error.clone()),
        )),
        "ChainedInvokeStopped" => EventDetails::ChainedInvokeStopped(errors(
            &e.chained_invoke_stopped_details
                .as_ref()
                .and_then(|d| d.error.clone()),
        )),
        "CallbackStarted" => {
            let d = e.callback_started_details.as_ref();
            EventDetails::CallbackStarted(CallbackStartedDetails {
                callback_id: d.map_or_else(String::new, |d| d.callback_id.clone()),
                heartbeat_timeout: d.and_then(|d| d.heartbeat_timeout).map(secs),
                timeout: d.and_then(|d| d.timeout).map(secs),
            })
        }
        "CallbackSucceeded" => EventDetails::CallbackSucceeded(ResultDetails {
            result: e
                .callback_succeeded_details
                .as_ref()
                .map_or_else(EventPayload::default, |d| result(&d.result)),
        }),
        "CallbackFailed" => EventDetails::CallbackFailed(errors(
            &e.callback_failed_details.as_ref().and_then(|d| d.error.clone()),
        )),
        "CallbackTimedOut" => EventDetails::CallbackTimedOut(errors(
            &e.callback_timed_out_details
                .as_ref()
                .and_then(|d| d.error.clone()),
        )),
        "InvocationCompleted" => match e.invocation_completed_details.as_ref() {
            Some(d) => EventDetails::InvocationCompleted(InvocationCompletedDetails {
                start_timestamp: from_datetime(&d.start_timestamp)?,
                end_timestamp: from_datetime(&d.end_timestamp)?,
                request_id: d.request_id.clone(),
                error: error(&d.error),
            }),
            // AWS's emulator sends none (docs/EMULATOR.md, D1); the event concerns no
            // operation, so its own timestamp stands in for both ends.
            None => {
                let at = e
                    .event_timestamp
                    .as_ref()
                    .map(from_datetime)
                    .transpose()?
                    .unwrap_or_default();
                EventDetails::InvocationCompleted(InvocationCompletedDetails {
                    start_timestamp: at,
                    end_timestamp: at,
                    ..InvocationCompletedDetails::default()
                })
            }
        },
        other => return Err(bad_response(format!("unknown history event type {other:?}"))),
    };
    Ok(Event {
        event_type: event_type.to_owned().into(),
        sub_type: e.sub_type.clone().map(Into::into),
        event_id: u64::try_from(e.event_id).unwrap_or(0),
        id: e.id.clone().map(Into::into),
        name: e.name.clone().map(Into::into),
        parent_id: e.parent_id.clone().map(Into::into),
        event_timestamp: e
            .event_timestamp
            .as_ref()
            .map(from_datetime)
            .transpose()?
            .unwrap_or_default(),
        details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{CallbackOptions, ChainedInvokeOptions, OperationAction, StepOptions, WaitOptions};

    #[test]
    fn sdk_timestamps_round_to_the_millisecond_as_the_json_form_does() {
        let t = DateTime::from_secs_and_nanos(1_796_093_236, 270_512_000);
        assert_eq!(from_datetime(&t).unwrap(), EpochMillis(1_796_093_236_271));
        let json: InvocationCompletedDetails = serde_json::from_str(
            r#"{"StartTimestamp": 1796093236.270512, "EndTimestamp": 1796093236.270512, "RequestId": "r"}"#,
        )
        .unwrap();
        assert_eq!(json.start_timestamp, EpochMillis(1_796_093_236_271));
        let t = DateTime::from_secs_and_nanos(1_796_093_236, 999_600_000);
        assert_eq!(from_datetime(&t).unwrap(), EpochMillis(1_796_093_237_000));
    }

    #[test]
    fn an_invocation_completed_event_without_details_is_read_as_the_emulator_sends_it() {
        let e = sdk::Event::builder()
            .event_type(sdk::EventType::InvocationCompleted)
            .event_id(5)
            .event_timestamp(DateTime::from_secs(1_796_093_236))
            .build();
        let event = event_from_sdk(&e).unwrap();
        match event.details {
            EventDetails::InvocationCompleted(d) => {
                assert_eq!(d.start_timestamp, EpochMillis(1_796_093_236_000));
                assert_eq!(d.end_timestamp, d.start_timestamp);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn update_round_trips_every_field() {
        let mut u = OperationUpdate::new("abc", OperationType::Callback, OperationAction::Start);
        u.parent_id = Some("p".into());
        u.name = Some("n".into());
        u.sub_type = Some("Callback".into());
        u.payload = Some("\"x\"".into());
        u.error = Some(ErrorObject::new("T", "m"));
        u.step_options = Some(StepOptions {
            next_attempt_delay_seconds: Some(3),
        });
        u.wait_options = Some(WaitOptions {
            wait_seconds: Some(5),
        });
        u.callback_options = Some(CallbackOptions {
            timeout_seconds: Some(10),
            heartbeat_timeout_seconds: None,
        });
        u.chained_invoke_options = Some(ChainedInvokeOptions {
            function_name: "f".into(),
            tenant_id: Some("t".into()),
        });
        let s = update_to_sdk(&u).unwrap();
        assert_eq!(s.id, "abc");
        assert_eq!(s.r#type, sdk::OperationType::Callback);
        assert_eq!(s.action, sdk::OperationAction::Start);
        assert_eq!(s.step_options.unwrap().next_attempt_delay_seconds, Some(3));
        assert_eq!(s.wait_options.unwrap().wait_seconds, Some(5));
        let cb = s.callback_options.unwrap();
        assert_eq!((cb.timeout_seconds, cb.heartbeat_timeout_seconds), (10, 0));
        assert_eq!(s.chained_invoke_options.unwrap().tenant_id.as_deref(), Some("t"));
        assert_eq!(s.error.unwrap().error_type.as_deref(), Some("T"));
    }

    #[test]
    fn operation_from_sdk_converts_seconds_to_millis() {
        let o = sdk::Operation::builder()
            .id("x")
            .r#type(sdk::OperationType::Step)
            .status(sdk::OperationStatus::Pending)
            .start_timestamp(DateTime::from_millis(1_795_764_155_343))
            .step_details(
                sdk::StepDetails::builder()
                    .attempt(2)
                    .next_attempt_timestamp(DateTime::from_millis(1_795_764_157_000))
                    .build(),
            )
            .build()
            .unwrap();
        let op = operation_from_sdk(&o).unwrap();
        assert_eq!(op.status, OperationStatus::Pending);
        assert_eq!(op.start_timestamp, Some(EpochMillis(1_795_764_155_343)));
        let d = op.step_details.unwrap();
        assert_eq!(d.attempt, 2);
        assert_eq!(d.next_attempt_timestamp, Some(EpochMillis(1_795_764_157_000)));
    }

    #[test]
    fn unknown_enum_values_are_typed_errors() {
        let o = sdk::Operation::builder()
            .id("x")
            .r#type(sdk::OperationType::from("TELEPORT"))
            .status(sdk::OperationStatus::Started)
            .start_timestamp(DateTime::from_millis(0))
            .build()
            .unwrap();
        let e = operation_from_sdk(&o).unwrap_err();
        assert_eq!(e.code, "InvalidServiceResponse");
    }
}
