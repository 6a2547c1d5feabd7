//! The outcome of a test run: status, result, operations, history, logs, chained invokes and
//! step attempts.

use super::attempts::{path_of, step_attempts, BodyRun, StepAttempt};
use super::invoke::InvokeCall;
use crate::local::{ExecutionRecord, ExecutionStatus};
use durable_core::wire::{ErrorObject, Event, Operation};
use durable_core::LogRecord;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// The outcome of [`TestRunner::run`](super::TestRunner::run) (or
/// [`TestRun::result`](super::TestRun::result)).
#[derive(Clone, Debug)]
pub struct TestResult {
    record: ExecutionRecord,
    logs: Vec<LogRecord>,
    calls: Vec<InvokeCall>,
    body_runs: Vec<BodyRun>,
}

impl TestResult {
    pub(crate) fn new(
        record: ExecutionRecord,
        logs: Vec<LogRecord>,
        calls: Vec<InvokeCall>,
        body_runs: Vec<BodyRun>,
    ) -> Self {
        TestResult {
            record,
            logs,
            calls,
            body_runs,
        }
    }

    /// Final status.
    pub fn status(&self) -> ExecutionStatus {
        self.record.status
    }

    /// The result JSON text, if it succeeded.
    pub fn result_json(&self) -> Option<&str> {
        self.record.result.as_deref()
    }

    /// The typed result; an error describing the failure otherwise.
    pub fn output<T: DeserializeOwned>(&self) -> Result<T, String> {
        match self.record.status {
            ExecutionStatus::Succeeded => {
                serde_json::from_str(self.record.result.as_deref().unwrap_or("null"))
                    .map_err(|e| format!("the result does not fit the requested type: {e}"))
            }
            status => Err(format!(
                "the execution is {} ({})",
                status.as_str(),
                self.record
                    .error
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string)
            )),
        }
    }

    /// The error, if it failed.
    pub fn error(&self) -> Option<&ErrorObject> {
        self.record.error.as_ref()
    }

    /// Every operation, in creation order (the first is the EXECUTION operation).
    pub fn operations(&self) -> &[Arc<Operation>] {
        &self.record.operations
    }

    /// The first operation named `name`.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.record
            .operations
            .iter()
            .find(|o| o.name.as_deref() == Some(name))
            .map(|o| &**o)
    }

    /// Every operation named `name`, wherever it is (e.g. the same step in every map item),
    /// in creation order.
    pub fn operations_named(&self, name: &str) -> Vec<&Operation> {
        self.record
            .operations
            .iter()
            .filter(|o| o.name.as_deref() == Some(name))
            .map(|o| &**o)
            .collect()
    }

    /// The operation at `path`: the names of its enclosing contexts and its own, from the
    /// root, joined by `/` (`"charge-all/map-item-1/charge"`; an unnamed operation is `-`).
    pub fn operation_at(&self, path: &str) -> Option<&Operation> {
        self.record
            .operations
            .iter()
            .find(|o| path_of(&self.record, o) == path)
            .map(|o| &**o)
    }

    /// The path of `op` (see [`TestResult::operation_at`]).
    pub fn path_of(&self, op: &Operation) -> String {
        path_of(&self.record, op)
    }

    /// The history events.
    pub fn history(&self) -> &[Arc<Event>] {
        &self.record.events
    }

    /// How many times the handler was invoked.
    pub fn invocations(&self) -> u32 {
        self.record.invocations
    }

    /// Log records written by the workflow (and by invoked workflows).
    pub fn logs(&self) -> &[LogRecord] {
        &self.logs
    }

    /// The full execution record.
    pub fn record(&self) -> &ExecutionRecord {
        &self.record
    }

    /// Every chained invoke of the run (the execution's own, then those of invoked
    /// workflows, in the order they were answered), with its input and what answered it.
    pub fn all_invoke_calls(&self) -> &[InvokeCall] {
        &self.calls
    }

    /// The chained invokes whose operation name or function name is `name`.
    pub fn invoke_calls(&self, name: &str) -> Vec<&InvokeCall> {
        self.calls.iter().filter(|c| c.is_named(name)).collect()
    }

    /// Every attempt of the steps addressed by `step`, in step creation order, then attempt
    /// order: `step` is a step name (every step of that name, wherever it is: child contexts,
    /// map and parallel items), or a path as in [`TestResult::operation_at`]. Each attempt
    /// says whether the body ran or a mock stood in, and how it ended; a body re-run after a
    /// crash appears once per run. Steps of invoked workflows are not included (they are in
    /// their own executions).
    pub fn step_attempts(&self, step: &str) -> Vec<StepAttempt> {
        step_attempts(&self.record, &self.body_runs, step)
    }

    /// How many times the body of the steps addressed by `step` really ran (mocked attempts
    /// excluded, re-runs after a crash included).
    pub fn body_runs(&self, step: &str) -> usize {
        self.step_attempts(step).iter().filter(|a| !a.mocked).count()
    }

    /// A readable timeline of the history, one event per line.
    pub fn timeline(&self) -> String {
        let start = self.record.start.0;
        self.record
            .events
            .iter()
            .map(|e| {
                let name = e.name.as_deref().map(|n| format!(" {n:?}")).unwrap_or_default();
                format!(
                    "{:>4} +{:>8.3}s {}{}\n",
                    e.event_id,
                    (e.event_timestamp.0 - start) as f64 / 1000.0,
                    e.event_type,
                    name
                )
            })
            .collect()
    }
}
