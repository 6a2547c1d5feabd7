//! `Operation`: the service's record of one durable operation (PROTOCOL.md §2.4).

use super::{EpochMillis, ErrorObject};
use serde::{Deserialize, Serialize};

/// The kind of a durable operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationType {
    /// The execution itself; carries the user input.
    Execution,
    /// A child context (run-in-child-context, map, parallel, wait-for-callback, ...).
    Context,
    /// A step (also wait-for-condition).
    Step,
    /// A durable timer.
    Wait,
    /// An external callback.
    Callback,
    /// An invocation of another function.
    ChainedInvoke,
}

impl OperationType {
    /// The wire spelling (`STEP`, `CHAINED_INVOKE`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Execution => "EXECUTION",
            Self::Context => "CONTEXT",
            Self::Step => "STEP",
            Self::Wait => "WAIT",
            Self::Callback => "CALLBACK",
            Self::ChainedInvoke => "CHAINED_INVOKE",
        }
    }
}

impl std::fmt::Display for OperationType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an operation is in its life cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationStatus {
    /// Running (or waiting on the service).
    Started,
    /// A step waiting for its retry timer.
    Pending,
    /// A step whose retry timer fired: the SDK must START it again.
    Ready,
    /// Finished with a result.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Cancelled (waits).
    Cancelled,
    /// Timed out (callbacks, chained invokes, executions).
    TimedOut,
    /// Stopped by `StopDurableExecution`.
    Stopped,
}

impl OperationStatus {
    /// Whether the operation can no longer change.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Cancelled | Self::TimedOut | Self::Stopped
        )
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Started => "STARTED",
            Self::Pending => "PENDING",
            Self::Ready => "READY",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Cancelled => "CANCELLED",
            Self::TimedOut => "TIMED_OUT",
            Self::Stopped => "STOPPED",
        }
    }
}

/// `ExecutionDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecutionDetails {
    /// The user input as JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_payload: Option<String>,
}

/// `ContextDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContextDetails {
    /// The result was too large to store: replay the children to rebuild it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay_children: Option<bool>,
    /// Serialized result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// Recorded error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
}

/// `StepDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepDetails {
    /// Number of attempts already finished.
    #[serde(default)]
    pub attempt: u32,
    /// When a `PENDING` step becomes `READY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_timestamp: Option<EpochMillis>,
    /// Serialized result (or the polled state of a wait-for-condition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The last recorded error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
}

/// `WaitDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WaitDetails {
    /// When the timer fires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_end_timestamp: Option<EpochMillis>,
}

/// `CallbackDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallbackDetails {
    /// The opaque id external systems answer with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_id: Option<String>,
    /// The raw success payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The failure or timeout error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
}

/// `ChainedInvokeDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChainedInvokeDetails {
    /// Serialized result of the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The target's error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
}

/// One recorded operation, as in the invocation event and the state API.
///
/// Laid out in declaration order: a replay reads the identity fields, the status and the
/// step details of every record, and long histories no longer fit in cache, so those share the
/// first few cache lines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[repr(C)]
pub struct Operation {
    /// Wire id (§3).
    pub id: super::SharedStr,
    /// Wire id of the enclosing context; absent at the root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<super::SharedStr>,
    /// User-given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<super::SharedStr>,
    /// Kind.
    #[serde(rename = "Type")]
    pub operation_type: OperationType,
    /// SDK sub-type (`Step`, `Wait`, `RunInChildContext`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<super::Label>,
    /// Life-cycle status.
    pub status: OperationStatus,
    /// Present on `STEP` operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_details: Option<StepDetails>,
    /// When it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_timestamp: Option<EpochMillis>,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_timestamp: Option<EpochMillis>,
    /// Present on the `EXECUTION` operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_details: Option<ExecutionDetails>,
    /// Present on `CONTEXT` operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_details: Option<ContextDetails>,
    /// Present on `WAIT` operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_details: Option<WaitDetails>,
    /// Present on `CALLBACK` operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_details: Option<CallbackDetails>,
    /// Present on `CHAINED_INVOKE` operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chained_invoke_details: Option<ChainedInvokeDetails>,
}

impl Operation {
    /// A fresh record with only identity fields set.
    pub fn new(
        id: impl Into<super::SharedStr>,
        operation_type: OperationType,
        status: OperationStatus,
    ) -> Self {
        Operation {
            id: id.into(),
            parent_id: None,
            name: None,
            operation_type,
            sub_type: None,
            status,
            start_timestamp: None,
            end_timestamp: None,
            execution_details: None,
            context_details: None,
            step_details: None,
            wait_details: None,
            callback_details: None,
            chained_invoke_details: None,
        }
    }

    /// The recorded error, whatever the operation kind.
    pub fn error(&self) -> Option<&ErrorObject> {
        self.step_details
            .as_ref()
            .and_then(|d| d.error.as_ref())
            .or_else(|| self.context_details.as_ref().and_then(|d| d.error.as_ref()))
            .or_else(|| self.callback_details.as_ref().and_then(|d| d.error.as_ref()))
            .or_else(|| {
                self.chained_invoke_details
                    .as_ref()
                    .and_then(|d| d.error.as_ref())
            })
    }

    /// The recorded result payload, whatever the operation kind.
    pub fn result(&self) -> Option<&str> {
        self.step_details
            .as_ref()
            .and_then(|d| d.result.as_deref())
            .or_else(|| self.context_details.as_ref().and_then(|d| d.result.as_deref()))
            .or_else(|| self.callback_details.as_ref().and_then(|d| d.result.as_deref()))
            .or_else(|| {
                self.chained_invoke_details
                    .as_ref()
                    .and_then(|d| d.result.as_deref())
            })
    }
}
