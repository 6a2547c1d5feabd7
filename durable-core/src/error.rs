//! Error types: what durable operations return to workflow code, what ends an invocation, and
//! what the checkpoint transport reports.

use crate::wire::{ErrorObject, OperationType};
use std::any::Any;
use std::fmt;

/// A replay mismatch: the code asked for a different operation than history recorded at the
/// same position. The execution fails; it is never retried, because replaying the same code
/// against the same history would mismatch again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonDeterminism {
    /// The operation's position (`"2-1"`: first operation inside the second root operation).
    pub position: String,
    /// The operation's wire id.
    pub id: String,
    /// What the code asked for now (`STEP "greet" (Step)`).
    pub expected: String,
    /// What history holds at that position.
    pub actual: String,
}

impl fmt::Display for NonDeterminism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "non-deterministic execution at operation {} (id {}): the code now calls {} but history recorded {}",
            self.position, self.id, self.expected, self.actual
        )
    }
}

/// Describes an operation for [`NonDeterminism`] messages.
pub(crate) fn describe(
    op_type: OperationType,
    name: Option<&str>,
    sub_type: Option<&str>,
    parent: Option<&str>,
) -> String {
    let mut s = op_type.as_str().to_owned();
    if let Some(n) = name {
        s.push_str(&format!(" {n:?}"));
    }
    if let Some(t) = sub_type {
        s.push_str(&format!(" ({t})"));
    }
    if let Some(p) = parent {
        s.push_str(&format!(" under {p}"));
    }
    s
}

/// How a checkpoint or state call failed, classified as in PROTOCOL.md §1.3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointErrorKind {
    /// 5xx, throttling, network, stale token: the invocation fails and Lambda retries it;
    /// nothing is lost because nothing was acknowledged.
    Retryable,
    /// 4xx (validation, KMS, ...): retrying cannot help, the execution fails.
    Terminal,
}

/// A failed call to the checkpoint / state API.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("checkpoint API error ({code}): {message}")]
pub struct CheckpointError {
    /// Retryable or terminal.
    pub kind: CheckpointErrorKind,
    /// The service's exception name (`InvalidParameterValueException`, `ServiceException`, ...).
    pub code: String,
    /// The service's message.
    pub message: String,
}

impl CheckpointError {
    /// A retryable error.
    pub fn retryable(code: impl Into<String>, message: impl Into<String>) -> Self {
        CheckpointError {
            kind: CheckpointErrorKind::Retryable,
            code: code.into(),
            message: message.into(),
        }
    }

    /// A terminal error.
    pub fn terminal(code: impl Into<String>, message: impl Into<String>) -> Self {
        CheckpointError {
            kind: CheckpointErrorKind::Terminal,
            code: code.into(),
            message: message.into(),
        }
    }

    /// Classifies a service error response by HTTP status and exception name (PROTOCOL.md
    /// §1.3): 5xx and 429 are retryable, and so is an invalid (stale) checkpoint token; every
    /// other 4xx is terminal.
    pub fn classify(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        let code = code.into();
        let message = message.into();
        let stale_token = code == "InvalidParameterValueException"
            && message
                .to_ascii_lowercase()
                .starts_with("invalid checkpoint token");
        if status >= 500 || status == 429 || stale_token {
            Self::retryable(code, message)
        } else {
            Self::terminal(code, message)
        }
    }

    /// Whether the invocation should be retried.
    pub fn is_retryable(&self) -> bool {
        self.kind == CheckpointErrorKind::Retryable
    }
}

/// The error every durable operation returns.
///
/// Operation failures (`StepFailed`, `ChildContextFailed`, `Failed`) are ordinary values that
/// workflow code may catch and handle. The other variants are *fatal*: they mean this execution
/// (or this invocation) cannot continue, and the engine ends it however the workflow code
/// reacts to them.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DurableError {
    /// A step failed for good (not retryable, or retries exhausted). The recorded error is the
    /// one the step body returned, replayed unchanged from history.
    #[error("step {} failed: {error}", operation_label(.name, .position))]
    StepFailed {
        /// The step's name.
        name: Option<String>,
        /// Its position (`"5-1"`), or its id when the position is not known.
        position: String,
        /// The recorded error (boxed to keep `Result<T, DurableError>` small).
        error: Box<ErrorObject>,
    },
    /// A child context failed; carries the error recorded for it.
    #[error("child context {} failed: {error}", operation_label(.name, .position))]
    ChildContextFailed {
        /// The context's name.
        name: Option<String>,
        /// Its position (`"5-1"`), or its id when the position is not known.
        position: String,
        /// The recorded error.
        error: Box<ErrorObject>,
    },
    /// A callback was answered with a failure (or cancelled/stopped); carries the external
    /// system's error.
    #[error("callback {} failed: {error}", operation_label(.name, .position))]
    CallbackFailed {
        /// The callback's name.
        name: Option<String>,
        /// Its position (`"5-1"`), or its id when the position is not known.
        position: String,
        /// The recorded error.
        error: Box<ErrorObject>,
    },
    /// A callback timed out (`Callback.Timeout`) or missed its heartbeat (`Callback.Heartbeat`).
    #[error("callback {} timed out: {error}", operation_label(.name, .position))]
    CallbackTimedOut {
        /// The callback's name.
        name: Option<String>,
        /// Its position (`"5-1"`), or its id when the position is not known.
        position: String,
        /// The recorded error.
        error: Box<ErrorObject>,
    },
    /// The submitter of a wait-for-callback failed for good, before any answer arrived.
    #[error("callback submitter {} failed: {error}", operation_label(.name, .position))]
    CallbackSubmitterFailed {
        /// The wait-for-callback's name.
        name: Option<String>,
        /// Its position (`"5-1"`), or its id when the position is not known.
        position: String,
        /// The submitter step's recorded error.
        error: Box<ErrorObject>,
    },
    /// A chained invoke failed, timed out or was stopped; carries the target's error.
    #[error("invoke {} failed: {error}", operation_label(.name, .position))]
    InvokeFailed {
        /// The invoke's name.
        name: Option<String>,
        /// Its position (`"5-1"`), or its id when the position is not known.
        position: String,
        /// The target's error.
        error: Box<ErrorObject>,
    },
    /// A wait-for-condition's check failed or its strategy gave up.
    #[error("wait-for-condition {} failed: {error}", operation_label(.name, .position))]
    WaitForConditionFailed {
        /// Its name.
        name: Option<String>,
        /// Its position (`"5-1"`), or its id when the position is not known.
        position: String,
        /// The recorded error.
        error: Box<ErrorObject>,
    },
    /// An answer from outside the workflow (a callback's result, an invoked function's result)
    /// does not decode as the type the code asks for. Not fatal: the sender is at fault, and
    /// the workflow can handle it (compensate, ask again, fail with its own error). Recorded
    /// with error type `InvalidPayloadError`.
    #[error("{kind} {}: the answer does not decode as the type the workflow expects: {message}", operation_label(.name, .position))]
    InvalidPayload {
        /// `callback` or `invoke`.
        kind: String,
        /// The operation's name (for a wait-for-callback, its own name).
        name: Option<String>,
        /// The operation's position (`"5-1"`).
        position: String,
        /// The decoder's message.
        message: String,
    },
    /// A failure raised by workflow code (see [`DurableError::failure`]).
    #[error("{0}")]
    Failed(Box<ErrorObject>),
    /// Replay found a different operation than history recorded (fatal).
    #[error("{0}")]
    NonDeterministic(Box<NonDeterminism>),
    /// A value could not be (de)serialized (fatal).
    #[error("serialization failed for operation {operation}: {message}")]
    Serdes {
        /// Name or id of the operation.
        operation: String,
        /// What went wrong.
        message: String,
    },
    /// An invalid argument or configuration, e.g. a zero-second wait (fatal).
    #[error("invalid configuration: {0}")]
    Validation(String),
    /// A payload exceeds a service limit.
    #[error("payload of {operation} is {size} bytes, above the {limit}-byte limit")]
    PayloadTooLarge {
        /// Name or id of the operation.
        operation: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The checkpoint API failed (fatal; retryable ones make the invocation retry).
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The invocation is ending (suspension or token revocation); workflow code sees this only
    /// if it polls a durable future after the engine decided to stop.
    #[error("the invocation is suspending")]
    Suspended,
}

fn operation_label(name: &Option<String>, position: &str) -> String {
    match name {
        Some(n) => format!("`{n}` ({position})"),
        None => format!("at position {position}"),
    }
}

impl DurableError {
    /// A workflow-level failure with an error type and a message.
    pub fn failure(error_type: impl Into<String>, message: impl Into<String>) -> Self {
        DurableError::Failed(Box::new(ErrorObject::new(error_type, message)))
    }

    /// Wraps any displayable error (its Rust type name becomes the `ErrorType`).
    pub fn from_error<E: fmt::Display + 'static>(error: E) -> Self {
        DurableError::Failed(Box::new(error_object_of(&error)))
    }

    /// Whether this error ends the execution or invocation whatever workflow code does.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            DurableError::NonDeterministic(_)
                | DurableError::Serdes { .. }
                | DurableError::Validation(_)
                | DurableError::Checkpoint(_)
                | DurableError::Suspended
        )
    }

    /// The error as the execution records it when workflow code lets it propagate (its
    /// `ExecutionFailed` error), and as [`DurableError::error_type`] reports it.
    ///
    /// Most variants give the operation's recorded error (a child context's and an invoke's
    /// typed `ChildContextError` / `InvokeError`). A callback answered with a failure is a
    /// `CallbackError`, and a timed-out one a `CallbackTimeoutError`, as the reference SDKs
    /// record them: the message names the callback and keeps the sender's error
    /// (`callback `approve` (2) failed: RejectedError: not approved`), the error data and
    /// stack trace are the sender's. The sender's own error stays in the variant's `error`.
    pub fn error_object(&self) -> ErrorObject {
        match self {
            DurableError::CallbackFailed { error, .. } => ErrorObject {
                error_type: Some("CallbackError".into()),
                error_message: Some(self.to_string()),
                ..(**error).clone()
            },
            DurableError::CallbackTimedOut { error, .. } => ErrorObject {
                error_type: Some("CallbackTimeoutError".into()),
                error_message: Some(self.to_string()),
                ..(**error).clone()
            },
            _ => self.recorded_error(),
        }
    }

    /// The error a context records when its body fails with this error: the operation's
    /// recorded error, unchanged for callbacks (a wait-for-callback rebuilds the sender's
    /// error from it on replay).
    pub(crate) fn recorded_error(&self) -> ErrorObject {
        match self {
            DurableError::StepFailed { error, .. } => (**error).clone(),
            DurableError::ChildContextFailed { error, .. } => ErrorObject {
                error_type: Some("ChildContextError".into()),
                ..(**error).clone()
            },
            DurableError::Failed(e) => (**e).clone(),
            DurableError::CallbackFailed { error, .. } | DurableError::CallbackTimedOut { error, .. } => {
                (**error).clone()
            }
            DurableError::InvokeFailed { error, .. } => ErrorObject {
                error_type: Some("InvokeError".into()),
                ..(**error).clone()
            },
            DurableError::WaitForConditionFailed { error, .. } => (**error).clone(),
            DurableError::CallbackSubmitterFailed { error, .. } => ErrorObject {
                error_type: Some("CallbackSubmitterError".into()),
                ..(**error).clone()
            },
            DurableError::NonDeterministic(n) => {
                ErrorObject::new("NonDeterministicExecutionError", n.to_string())
            }
            DurableError::Serdes { .. } => ErrorObject::new("SerdesError", self.to_string()),
            DurableError::InvalidPayload {
                kind,
                name,
                position,
                message,
            } => ErrorObject::new("InvalidPayloadError", self.to_string()).with_data(
                serde_json::json!({ "kind": kind, "name": name, "position": position, "message": message })
                    .to_string(),
            ),
            DurableError::Validation(_) => ErrorObject::new("ValidationError", self.to_string()),
            DurableError::PayloadTooLarge { .. } => {
                ErrorObject::new("PayloadTooLargeError", self.to_string())
            }
            DurableError::Checkpoint(e) => ErrorObject::new("CheckpointError", e.to_string()),
            DurableError::Suspended => ErrorObject::new("SuspendExecution", self.to_string()),
        }
    }

    /// Rebuilds an [`DurableError::InvalidPayload`] from its recorded error (so a replay
    /// raises the same variant as the first run); `None` for any other error.
    pub(crate) fn invalid_payload_from(error: &ErrorObject, name: Option<String>) -> Option<DurableError> {
        if error.type_name() != "InvalidPayloadError" {
            return None;
        }
        let data: serde_json::Value = serde_json::from_str(error.error_data.as_deref()?).ok()?;
        let text = |k: &str| data.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
        Some(DurableError::InvalidPayload {
            kind: text("kind")?,
            name: name.or_else(|| text("name")),
            position: text("position")?,
            message: text("message")?,
        })
    }

    /// The `ErrorType` of the recorded error, if any.
    pub fn error_type(&self) -> Option<String> {
        self.error_object().error_type
    }
}

/// Builds the wire form of any error a step or workflow returns. A [`DurableError`] or an
/// [`ErrorObject`] keeps its recorded type; anything else is typed by its Rust type name
/// (the last path segment, generics dropped: `TransientError`, `Error` for `anyhow::Error`).
pub fn error_object_of<E: fmt::Display + 'static>(error: &E) -> ErrorObject {
    let any: &dyn Any = error;
    if let Some(d) = any.downcast_ref::<DurableError>() {
        return d.error_object();
    }
    if let Some(e) = any.downcast_ref::<ErrorObject>() {
        return e.clone();
    }
    ErrorObject::new(short_type_name::<E>(), error.to_string())
}

/// `a::b::C<d::E>` → `C`.
pub(crate) fn short_type_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let head = full.split('<').next().unwrap_or(full);
    head.rsplit("::").next().unwrap_or(head).to_owned()
}

/// Why an invocation could not produce a response; the Lambda runtime reports it as a
/// function error so that the service retries the invocation.
#[derive(Clone, Debug, thiserror::Error)]
pub enum InvocationError {
    /// The event is not a durable invocation event (missing ARN or token, bad JSON).
    #[error("malformed durable invocation event: {0}")]
    MalformedEvent(String),
    /// A retryable checkpoint / state API failure.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct TransientError;
    impl fmt::Display for TransientError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("try again")
        }
    }

    #[test]
    fn error_objects_keep_type_names() {
        let e = error_object_of(&TransientError);
        assert_eq!(e.type_name(), "TransientError");
        assert_eq!(e.message(), "try again");
        let d = DurableError::failure("Custom", "boom");
        assert_eq!(error_object_of(&d).type_name(), "Custom");
        assert_eq!(short_type_name::<Vec<String>>(), "Vec");
    }

    #[test]
    fn classification_follows_the_protocol() {
        assert!(CheckpointError::classify(500, "ServiceException", "x").is_retryable());
        assert!(CheckpointError::classify(429, "TooManyRequestsException", "x").is_retryable());
        assert!(
            CheckpointError::classify(400, "InvalidParameterValueException", "Invalid Checkpoint Token")
                .is_retryable()
        );
        assert!(
            !CheckpointError::classify(400, "InvalidParameterValueException", "bad update").is_retryable()
        );
        assert!(!CheckpointError::classify(400, "KMSAccessDeniedException", "x").is_retryable());
    }
}
