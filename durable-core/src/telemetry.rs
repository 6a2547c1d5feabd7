//! `tracing` spans and events of the engine.
//!
//! The engine describes what it does with [`tracing`]: one span per invocation, one per step
//! attempt that runs its body, one per child context whose body runs, and debug events for the
//! operations without a body. Workflow code inherits them: a `tracing::info!` written in a
//! step body is recorded inside that step's span, itself inside its contexts' spans and the
//! invocation's. Records written through [`ctx.logger()`](crate::DurableContext::logger) become
//! events too (see [`crate::logger::AutoSink`]).
//!
//! | span (target `durable`) | level | fields |
//! |---|---|---|
//! | `invocation` | INFO | `execution_arn`; `replaying` (history held operations when it began), `operations` (how many records it loaded), `status` at its end (`SUCCEEDED`, `FAILED`, `PENDING`, or `error` when the invocation must be retried) |
//! | `step` | INFO | `operation_name`, `operation_id`, `path`, `type` (`STEP`), `sub_type` (`Step`, `WaitForCondition`), `attempt` (1-based), `replaying` (always `false`: a body only runs live) |
//! | `context` | INFO | `operation_name`, `operation_id`, `path`, `type` (`CONTEXT`), `sub_type` (`RunInChildContext`, `Map`, `MapIteration`, `Parallel`, `ParallelBranch`, `WaitForCallback`), `replaying` (whether its body began by replaying recorded operations) |
//!
//! `operation_id` is the operation's wire id (as in history), `path` its position (`2-1`: the
//! first operation of the second operation's context); the fields are named as in the log
//! records (and not `name`, which JSON formatters use for the span's own name). A step whose
//! recorded result replays, and a context whose recorded result replays, run no code and open
//! no span.
//!
//! Events (target `durable`, DEBUG): `operation started` when the code starts a wait, a
//! callback, an invoke or a wait-for-condition (`type`, `sub_type`, `operation_name`,
//! `operation_id`, `path`); `operation ended` (the same and `status`) when one of them ends
//! while an invocation observes it, or, when it ended while the execution was suspended, at the
//! start of the next invocation (then without `path`); `step attempt failed` inside a step
//! span (`error_type`, `error_message`). Each is emitted once per execution, not per replay.
//!
//! Log records of `ctx.logger()` are events of target [`LOG_TARGET`] at the record's level.
//!
//! Without a subscriber, spans and events cost a check of a cached flag per call site: their
//! fields are neither evaluated nor formatted, and nothing is allocated. The replay checker's
//! second run (the test runner's, `durable worker --replay-check`) emits nothing.

use crate::context::DurableContext;
use crate::execution::OpIdentity;
use crate::wire::{Operation, OperationStatus};
use tracing::Span;

/// Target of the engine's spans and events.
pub const TARGET: &str = "durable";

/// Target of the events `ctx.logger()` records become.
pub const LOG_TARGET: &str = "durable::log";

/// The span of one invocation; `replaying`, `operations` and `status` are recorded later.
pub(crate) fn invocation_span(arn: &str) -> Span {
    tracing::info_span!(
        target: "durable",
        "invocation",
        execution_arn = arn,
        replaying = tracing::field::Empty,
        operations = tracing::field::Empty,
        status = tracing::field::Empty,
    )
}

/// The span of one step attempt that runs its body (or a wait-for-condition check).
pub(crate) fn step_span(op: &OpIdentity, attempt: u32) -> Span {
    tracing::info_span!(
        target: "durable",
        "step",
        operation_name = op.name.as_deref(),
        operation_id = &*op.id,
        path = %op.path,
        r#type = op.op_type.as_str(),
        sub_type = op.sub_type,
        attempt,
        replaying = false,
    )
}

/// The span of a child context whose body runs (also map/parallel items, wait-for-callback);
/// `context` is the one the body gets.
pub(crate) fn context_span(context: &DurableContext, op: &OpIdentity) -> Span {
    tracing::info_span!(
        target: "durable",
        "context",
        operation_name = op.name.as_deref(),
        operation_id = &*op.id,
        path = %op.path,
        r#type = op.op_type.as_str(),
        sub_type = op.sub_type,
        replaying = context.is_replaying(),
    )
}

/// The code started an operation that has no body (wait, callback, invoke, wait-for-condition).
pub(crate) fn operation_started(op: &OpIdentity) {
    tracing::debug!(
        target: "durable",
        r#type = op.op_type.as_str(),
        sub_type = op.sub_type,
        operation_name = op.name.as_deref(),
        operation_id = &*op.id,
        path = %op.path,
        "operation started"
    );
}

/// An operation without a body ended while this invocation observed it.
pub(crate) fn operation_ended(op: &OpIdentity, status: OperationStatus) {
    tracing::debug!(
        target: "durable",
        r#type = op.op_type.as_str(),
        sub_type = op.sub_type,
        operation_name = op.name.as_deref(),
        operation_id = &*op.id,
        path = %op.path,
        status = status.as_str(),
        "operation ended"
    );
}

/// An operation the service finished while the execution was suspended.
pub(crate) fn operation_ended_while_suspended(op: &Operation) {
    tracing::debug!(
        target: "durable",
        r#type = op.operation_type.as_str(),
        sub_type = op.sub_type.as_deref(),
        operation_name = op.name.as_deref(),
        operation_id = &*op.id,
        status = op.status.as_str(),
        "operation ended"
    );
}

/// A step attempt's body returned an error (inside the step's span).
pub(crate) fn attempt_failed(error: &crate::wire::ErrorObject) {
    tracing::debug!(
        target: "durable",
        error_type = error.type_name(),
        error_message = error.message(),
        "step attempt failed"
    );
}

/// Records what the invocation reports on its span.
pub(crate) fn record_outcome(
    span: &Span,
    output: &Result<crate::wire::InvocationOutput, crate::error::InvocationError>,
) {
    use crate::wire::InvocationStatus;
    if span.is_disabled() {
        return;
    }
    let status = match output {
        Ok(out) => match out.status {
            InvocationStatus::Succeeded => "SUCCEEDED",
            InvocationStatus::Failed => "FAILED",
            InvocationStatus::Pending => "PENDING",
        },
        Err(_) => "error",
    };
    span.record("status", status);
}
