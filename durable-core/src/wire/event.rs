//! History events (`GetDurableExecutionHistory`, PROTOCOL.md §5.3), the shape conformance
//! requirements are written against.

use super::timestamp::api_seconds;
use super::{EpochMillis, ErrorObject};
use serde::{Deserialize, Serialize};

/// A payload in a history event: `{Payload, Truncated}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventPayload {
    /// The payload text (dropped unless execution data was requested).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// Whether the payload was left out.
    #[serde(default)]
    pub truncated: bool,
}

impl EventPayload {
    /// A complete payload.
    pub fn full(payload: Option<String>) -> Self {
        EventPayload {
            payload,
            truncated: false,
        }
    }
}

/// An error in a history event: `{Payload: ErrorObject, Truncated}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventError {
    /// The error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<ErrorObject>,
    /// Whether the error was left out.
    #[serde(default)]
    pub truncated: bool,
}

impl EventError {
    /// A complete error.
    pub fn full(error: ErrorObject) -> Self {
        EventError {
            payload: Some(error),
            truncated: false,
        }
    }
}

/// `RetryDetails` of step events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RetryDetails {
    /// The attempt that just finished (1-based).
    pub current_attempt: u32,
    /// Delay before the next attempt; absent when no retry follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_delay_seconds: Option<u32>,
}

/// Details without fields (`StepStartedDetails: {}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

/// `ExecutionStartedDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecutionStartedDetails {
    /// The input.
    pub input: EventPayload,
    /// Execution timeout in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_timeout: Option<u64>,
}

/// Details carrying a result (`…SucceededDetails`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultDetails {
    /// The result.
    pub result: EventPayload,
}

/// Details carrying an error (`…FailedDetails`, `…TimedOutDetails`, ...).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorDetails {
    /// The error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<EventError>,
}

/// `StepSucceededDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepSucceededDetails {
    /// The result.
    pub result: EventPayload,
    /// Which attempt succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_details: Option<RetryDetails>,
}

/// `StepFailedDetails` (also a step `RETRY`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepFailedDetails {
    /// The error.
    pub error: EventError,
    /// Which attempt failed and when the next one runs.
    pub retry_details: RetryDetails,
}

/// `WaitStartedDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WaitStartedDetails {
    /// Seconds.
    pub duration: u64,
    /// When the wait ends.
    #[serde(with = "api_seconds")]
    pub scheduled_end_timestamp: EpochMillis,
}

/// `WaitSucceededDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WaitSucceededDetails {
    /// Seconds.
    pub duration: u64,
}

/// `CallbackStartedDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallbackStartedDetails {
    /// The minted callback id.
    pub callback_id: String,
    /// Heartbeat timeout in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_timeout: Option<u64>,
    /// Overall timeout in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
}

/// `ChainedInvokeStartedDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChainedInvokeStartedDetails {
    /// Target.
    pub function_name: String,
    /// Tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// Input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<EventPayload>,
    /// The version of the target that runs (`$LATEST` unless qualified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed_version: Option<String>,
    /// The target's execution, when durable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub durable_execution_arn: Option<String>,
}

/// `InvocationCompletedDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvocationCompletedDetails {
    /// When the invocation started.
    #[serde(with = "api_seconds")]
    pub start_timestamp: EpochMillis,
    /// When it ended.
    #[serde(with = "api_seconds")]
    pub end_timestamp: EpochMillis,
    /// The invocation's request id.
    pub request_id: String,
    /// Set when the invocation failed (crash, function error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<EventError>,
}

/// The type-specific part of an event; serialized as one `<EventType>Details` key.
#[allow(missing_docs)] // each variant is named after its event type
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventDetails {
    #[serde(rename = "ExecutionStartedDetails")]
    ExecutionStarted(ExecutionStartedDetails),
    #[serde(rename = "ExecutionSucceededDetails")]
    ExecutionSucceeded(ResultDetails),
    #[serde(rename = "ExecutionFailedDetails")]
    ExecutionFailed(ErrorDetails),
    #[serde(rename = "ExecutionTimedOutDetails")]
    ExecutionTimedOut(ErrorDetails),
    #[serde(rename = "ExecutionStoppedDetails")]
    ExecutionStopped(ErrorDetails),
    #[serde(rename = "ContextStartedDetails")]
    ContextStarted(Empty),
    #[serde(rename = "ContextSucceededDetails")]
    ContextSucceeded(ResultDetails),
    #[serde(rename = "ContextFailedDetails")]
    ContextFailed(ErrorDetails),
    #[serde(rename = "WaitStartedDetails")]
    WaitStarted(WaitStartedDetails),
    #[serde(rename = "WaitSucceededDetails")]
    WaitSucceeded(WaitSucceededDetails),
    #[serde(rename = "WaitCancelledDetails")]
    WaitCancelled(ErrorDetails),
    #[serde(rename = "StepStartedDetails")]
    StepStarted(Empty),
    #[serde(rename = "StepSucceededDetails")]
    StepSucceeded(StepSucceededDetails),
    #[serde(rename = "StepFailedDetails")]
    StepFailed(StepFailedDetails),
    #[serde(rename = "ChainedInvokeStartedDetails")]
    ChainedInvokeStarted(ChainedInvokeStartedDetails),
    #[serde(rename = "ChainedInvokeSucceededDetails")]
    ChainedInvokeSucceeded(ResultDetails),
    #[serde(rename = "ChainedInvokeFailedDetails")]
    ChainedInvokeFailed(ErrorDetails),
    #[serde(rename = "ChainedInvokeTimedOutDetails")]
    ChainedInvokeTimedOut(ErrorDetails),
    #[serde(rename = "ChainedInvokeStoppedDetails")]
    ChainedInvokeStopped(ErrorDetails),
    #[serde(rename = "CallbackStartedDetails")]
    CallbackStarted(CallbackStartedDetails),
    #[serde(rename = "CallbackSucceededDetails")]
    CallbackSucceeded(ResultDetails),
    #[serde(rename = "CallbackFailedDetails")]
    CallbackFailed(ErrorDetails),
    #[serde(rename = "CallbackTimedOutDetails")]
    CallbackTimedOut(ErrorDetails),
    #[serde(rename = "InvocationCompletedDetails")]
    InvocationCompleted(InvocationCompletedDetails),
}

impl EventDetails {
    /// The `EventType` these details belong to.
    pub fn event_type(&self) -> &'static str {
        match self {
            Self::ExecutionStarted(_) => "ExecutionStarted",
            Self::ExecutionSucceeded(_) => "ExecutionSucceeded",
            Self::ExecutionFailed(_) => "ExecutionFailed",
            Self::ExecutionTimedOut(_) => "ExecutionTimedOut",
            Self::ExecutionStopped(_) => "ExecutionStopped",
            Self::ContextStarted(_) => "ContextStarted",
            Self::ContextSucceeded(_) => "ContextSucceeded",
            Self::ContextFailed(_) => "ContextFailed",
            Self::WaitStarted(_) => "WaitStarted",
            Self::WaitSucceeded(_) => "WaitSucceeded",
            Self::WaitCancelled(_) => "WaitCancelled",
            Self::StepStarted(_) => "StepStarted",
            Self::StepSucceeded(_) => "StepSucceeded",
            Self::StepFailed(_) => "StepFailed",
            Self::ChainedInvokeStarted(_) => "ChainedInvokeStarted",
            Self::ChainedInvokeSucceeded(_) => "ChainedInvokeSucceeded",
            Self::ChainedInvokeFailed(_) => "ChainedInvokeFailed",
            Self::ChainedInvokeTimedOut(_) => "ChainedInvokeTimedOut",
            Self::ChainedInvokeStopped(_) => "ChainedInvokeStopped",
            Self::CallbackStarted(_) => "CallbackStarted",
            Self::CallbackSucceeded(_) => "CallbackSucceeded",
            Self::CallbackFailed(_) => "CallbackFailed",
            Self::CallbackTimedOut(_) => "CallbackTimedOut",
            Self::InvocationCompleted(_) => "InvocationCompleted",
        }
    }
}

/// One history event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Event {
    /// `StepStarted`, `WaitSucceeded`, `InvocationCompleted`, ...
    pub event_type: super::Label,
    /// Sub-type of the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<super::Label>,
    /// 1-based, dense, in the order the service recorded events.
    pub event_id: u64,
    /// Operation wire id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<super::SharedStr>,
    /// Operation name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<super::SharedStr>,
    /// Enclosing context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<super::SharedStr>,
    /// When the event was recorded.
    #[serde(with = "api_seconds")]
    pub event_timestamp: EpochMillis,
    /// Type-specific details.
    #[serde(flatten)]
    pub details: EventDetails,
}
