//! Conversions between durable's serde wire model ([`crate::wire`], epoch-millisecond
//! timestamps) and `aws_sdk_lambda::types` (the API's epoch-second `DateTime`s).

use crate::error::CheckpointError;
use crate::wire::{
    CallbackDetails, ChainedInvokeDetails, ContextDetails, EpochMillis, ErrorObject, ExecutionDetails,
    Operation, OperationStatus, OperationType, OperationUpdate, StepDetails, WaitDetails,
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
pub(crate) fn from_datetime(t: &DateTime) -> Result<EpochMillis, CheckpointError> {
    t.to_millis()
        .map(EpochMillis)
        .map_err(|e| bad_response(format!("timestamp out of range: {e}")))
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
        .id(u.id.clone())
        .set_parent_id(u.parent_id.clone())
        .set_name(u.name.clone())
        .r#type(sdk::OperationType::from(u.operation_type.as_str()))
        .set_sub_type(u.sub_type.clone())
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
    op.parent_id = o.parent_id.clone();
    op.name = o.name.clone();
    op.sub_type = o.sub_type.clone();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{CallbackOptions, ChainedInvokeOptions, OperationAction, StepOptions, WaitOptions};

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
