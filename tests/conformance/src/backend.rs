//! The seam to the system under test: a [`Backend`] runs one requirement described by a
//! [`RunSpec`] and reports what it observed ([`Observed`]), or says it cannot run it.
//!
//! A backend plays the role of AWS's runner plus the durable service: it starts the execution
//! with the given input, answers callbacks as the requirement's `CallbackActions` say (see
//! [`CallbackAction::matches`], [`CallbackAction::success_body`] and
//! [`CallbackAction::failure_error`]), waits for the execution to finish (or, for an
//! `AsyncInvoke` requirement without `ExpectedResult`, until the history is complete), and
//! returns the final status, result, history and log records. Matching is not its job.

use serde_json::Value;

use crate::placeholders::PlaceholderContext;
pub use crate::requirement::{CallbackAction, CallbackOperation};

/// Everything a backend needs to run one requirement.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// Requirement id, the file stem (e.g. `4-7`).
    pub id: String,
    /// Suite, the parent directory name (e.g. `callback`).
    pub suite: String,
    /// `Input` after placeholder substitution; `None` when the YAML `Input` is empty or null.
    pub input: Option<Value>,
    /// The requirement's `CallbackActions`, in file order (payloads not yet substituted; use
    /// the methods of [`CallbackAction`] with [`RunSpec::placeholders`]).
    pub callback_actions: Vec<CallbackAction>,
    /// `AsyncInvoke: true`: invoke with `InvocationType=Event` and poll the history.
    pub async_invoke: bool,
    /// `ExpectedResult` is present. When it is absent on an async requirement, AWS's runner stops
    /// polling as soon as the history matches instead of waiting for a terminal status.
    pub expects_result: bool,
    /// The bound `Variables` (e.g. `CB_NAME`), so callback names and payloads can be resolved.
    pub placeholders: PlaceholderContext,
}

/// What the backend observed about one execution, shaped like the service's API responses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// `GetDurableExecution.Status`: `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `STOPPED` or `RUNNING`.
    pub status: String,
    /// `GetDurableExecution.Result`: the raw result JSON text as the service stores it.
    pub result: Option<String>,
    /// `GetDurableExecution.Error` (an `ErrorObject` with `ErrorType`, `ErrorMessage`, ...).
    pub error: Option<Value>,
    /// `GetDurableExecutionHistory(IncludeExecutionData=true).Events`, with the API's JSON
    /// field names (`EventType`, `EventId`, `Id`, `StepSucceededDetails`, ...), in order.
    pub history: Vec<Value>,
    /// The execution's log records in emission order. Each element is a JSON object whose
    /// top-level keys are the record's fields; a string element is treated as a raw log line
    /// (parsed if it is a JSON object, otherwise exposed as `{"message": line}`).
    pub logs: Vec<Value>,
    /// Documented deviations of the system under test that the backend repaired before
    /// matching (emulator backend only, e.g. `D1 (...)`); a pass names them in its detail.
    pub deviations: Vec<String>,
}

/// The result of asking a backend to run a requirement.
#[derive(Debug, Clone, PartialEq)]
pub enum RunOutcome {
    /// The execution ran; here is what was observed.
    Observed(Observed),
    /// The backend deliberately does not support this requirement (reason given). Reported as
    /// `NOT_IMPLEMENTED`, which never counts as passed.
    NotImplemented(String),
}

/// A system under test that can run conformance requirements.
pub trait Backend: Sync {
    /// Short name used in reports (e.g. `local`).
    fn name(&self) -> &str;

    /// Runs one requirement. `Err` means the backend itself failed (reported as `FAILED`).
    fn run(&self, spec: &RunSpec) -> Result<RunOutcome, String>;

    /// How many requirements may run at once on this backend (default 1).
    fn parallelism(&self) -> usize {
        1
    }
}
