//! Instrumentation plugins: hooks on invocations, operations and step attempts
//! (PROTOCOL.md §4.17).
//!
//! Hooks observe; they never steer. A hook that panics is caught and ignored, so a faulty
//! plugin cannot change an execution's outcome or history. Several plugins receive every
//! hook, in registration order.

use crate::wire::{ErrorObject, InvocationStatus, OperationStatus, OperationType};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// The start of an invocation.
#[derive(Clone, Debug, PartialEq)]
pub struct InvocationStart<'a> {
    /// The execution.
    pub execution_arn: &'a str,
    /// True on the execution's first invocation (no operation recorded yet).
    pub is_first_invocation: bool,
    /// Operations that changed while the execution was suspended.
    pub updated_operation_ids: &'a [String],
}

/// The end of an invocation.
#[derive(Clone, Debug, PartialEq)]
pub struct InvocationEnd<'a> {
    /// The execution.
    pub execution_arn: &'a str,
    /// What the invocation reports to the service.
    pub status: InvocationStatus,
    /// The execution's error, when it failed.
    pub error: Option<&'a ErrorObject>,
}

/// An operation, as hooks see it.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationInfo<'a> {
    /// The execution.
    pub execution_arn: &'a str,
    /// Wire id (as in history).
    pub operation_id: &'a str,
    /// Name.
    pub name: Option<&'a str>,
    /// Kind.
    pub operation_type: OperationType,
    /// Sub-type.
    pub sub_type: Option<&'a str>,
    /// Enclosing context.
    pub parent_id: Option<&'a str>,
}

/// A step attempt's outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum AttemptOutcome<'a> {
    /// The body returned a value.
    Succeeded,
    /// The body returned an error.
    Failed(&'a ErrorObject),
}

/// Receives instrumentation hooks. Every method has an empty default.
pub trait Plugin: Send + Sync {
    /// Before workflow code runs in an invocation.
    fn on_invocation_start(&self, _info: &InvocationStart<'_>) {}
    /// After the invocation's response is decided.
    fn on_invocation_end(&self, _info: &InvocationEnd<'_>) {}
    /// When an operation is first checkpointed as started.
    fn on_operation_start(&self, _op: &OperationInfo<'_>) {}
    /// When an operation reaches a terminal status.
    fn on_operation_end(
        &self,
        _op: &OperationInfo<'_>,
        _status: OperationStatus,
        _error: Option<&ErrorObject>,
    ) {
    }
    /// Before a step body runs (attempt 1, 2, ...).
    fn on_attempt_start(&self, _op: &OperationInfo<'_>, _attempt: u32) {}
    /// After a step body returned.
    fn on_attempt_end(&self, _op: &OperationInfo<'_>, _attempt: u32, _outcome: &AttemptOutcome<'_>) {}
}

/// Calls `hook` on every plugin, swallowing panics.
pub(crate) fn notify(plugins: &[Arc<dyn Plugin>], hook: impl Fn(&dyn Plugin)) {
    for plugin in plugins {
        let _ = catch_unwind(AssertUnwindSafe(|| hook(&**plugin)));
    }
}
