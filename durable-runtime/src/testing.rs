//! The test runner: run a workflow to completion under virtual time, with step mocks, and
//! inspect its status, typed result, operations and history.
//!
//! ```
//! use durable_runtime::prelude::*;
//! use durable_runtime::testing::TestRunner;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let wf = workflow_fn("order", |ctx: DurableContext, id: u32| async move {
//!     let paid: bool = ctx.step("validate-payment", |_| async { Ok::<_, DurableError>(false) }).await?;
//!     ctx.wait("cool-off", Duration::from_secs(3600)).await?;
//!     Ok(format!("order {id}: paid={paid}"))
//! });
//! let runner = TestRunner::new(wf);
//! runner.mock_step("validate-payment", serde_json::json!(true));
//! let result = runner.run(&7).await.unwrap();
//! assert_eq!(result.output::<String>().unwrap(), "order 7: paid=true");
//! assert_eq!(result.invocations(), 2);
//! # });
//! ```

use crate::local::{
    CallbackAnswer, EngineError, EngineOptions, ExecutionRecord, ExecutionStatus, LocalEngine, MemoryStore,
    Responder, ScheduledAnswer, VirtualClock,
};
use durable_core::config::{MockOutcome, StepInterceptor};
use durable_core::wire::{EpochMillis, OperationStatus, OperationType};
use durable_core::wire::{ErrorObject, Event, Operation};
use durable_core::{LogRecord, LogSink, Workflow};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Collects log records in memory, in the order they were written.
#[derive(Debug, Default)]
pub struct LogCollector {
    records: Mutex<Vec<LogRecord>>,
    all: Mutex<Vec<serde_json::Value>>,
}

impl LogCollector {
    /// The workflow's log records so far.
    pub fn records(&self) -> Vec<LogRecord> {
        self.records.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Every record so far as JSON, workflow logs and free-form records (plugins) interleaved
    /// in the order written.
    pub fn json(&self) -> Vec<serde_json::Value> {
        self.all.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl LogSink for LogCollector {
    fn emit(&self, record: &LogRecord) {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(record.clone());
        if let Ok(v) = serde_json::to_value(record) {
            self.all.lock().unwrap_or_else(|p| p.into_inner()).push(v);
        }
    }

    fn emit_json(&self, record: &serde_json::Value) {
        self.all
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(record.clone());
    }
}

#[derive(Default)]
struct Mocks {
    by_name: Mutex<HashMap<String, Vec<MockOutcome>>>,
}

impl StepInterceptor for Mocks {
    fn intercept(&self, name: Option<&str>, attempt: u32) -> Option<MockOutcome> {
        let map = self.by_name.lock().unwrap_or_else(|p| p.into_inner());
        let outcomes = map.get(name?)?;
        // One outcome per attempt; the last one repeats.
        let i = (attempt as usize)
            .saturating_sub(1)
            .min(outcomes.len().saturating_sub(1));
        outcomes.get(i).cloned()
    }
}

/// Answers callbacks by operation name: the callback's own name, or the name of the
/// wait-for-callback that created it.
#[derive(Default)]
struct CallbackMocks {
    answers: Mutex<HashMap<String, (Duration, CallbackAnswer)>>,
}

struct NameResponder {
    mocks: Arc<CallbackMocks>,
    answered: HashSet<String>,
}

impl Responder for NameResponder {
    fn observe(&mut self, record: &ExecutionRecord, now: EpochMillis) -> Vec<ScheduledAnswer> {
        let answers = self.mocks.answers.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = Vec::new();
        for op in &record.operations {
            if op.operation_type != OperationType::Callback || op.status != OperationStatus::Started {
                continue;
            }
            let parent_name = op
                .parent_id
                .as_ref()
                .and_then(|p| record.operation(p))
                .and_then(|p| p.name.as_deref());
            let answer = op
                .name
                .as_deref()
                .and_then(|n| answers.get(n))
                .or_else(|| parent_name.and_then(|n| answers.get(n)));
            let (Some((delay, answer)), Some(id)) = (
                answer,
                op.callback_details.as_ref().and_then(|d| d.callback_id.clone()),
            ) else {
                continue;
            };
            if self.answered.insert(id.clone()) {
                let at = EpochMillis(now.0 + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
                out.push(ScheduledAnswer {
                    at,
                    callback_id: id,
                    answer: answer.clone(),
                });
            }
        }
        out
    }
}

/// Runs one workflow under virtual time with an in-memory store.
///
/// Every invocation is checked by replaying it a second time against the records it left
/// and comparing what the two runs asked of the service ([`EngineOptions::replay_check`]):
/// a workflow that depends on a clock, randomness, a global or hash-map order makes
/// [`TestRunner::run`] return [`EngineError::ReplayDivergence`], naming the operation and
/// where the code created it. The replay runs no step body, consumes no mock and logs
/// nothing, so results, histories and counts are those of the real runs.
/// [`TestRunner::replay_check`] turns it off.
pub struct TestRunner<W: Workflow> {
    workflow: Arc<W>,
    mocks: Arc<Mocks>,
    callbacks: Arc<CallbackMocks>,
    logs: Arc<LogCollector>,
    options: EngineOptions,
}

impl<W: Workflow> TestRunner<W> {
    /// A runner for `workflow`.
    pub fn new(workflow: W) -> Self {
        TestRunner {
            workflow: Arc::new(workflow),
            mocks: Arc::new(Mocks::default()),
            callbacks: Arc::new(CallbackMocks::default()),
            logs: Arc::new(LogCollector::default()),
            options: EngineOptions {
                replay_check: true,
                ..EngineOptions::default()
            },
        }
    }

    /// Turns the replay check (on by default) on or off.
    pub fn replay_check(mut self, enabled: bool) -> Self {
        self.options.replay_check = enabled;
        self
    }

    /// Adds an instrumentation plugin.
    pub fn plugin(mut self, plugin: Arc<dyn durable_core::Plugin>) -> Self {
        self.options.plugins.push(plugin);
        self
    }

    /// Pages the execution state `n` operations at a time, to exercise pagination.
    pub fn page_size(mut self, n: usize) -> Self {
        self.options.page_size = Some(n);
        self
    }

    /// Makes the step named `name` return `value` instead of running its body.
    pub fn mock_step(&self, name: &str, value: serde_json::Value) -> &Self {
        self.mock_step_outcomes(name, vec![MockOutcome::Succeed(value)])
    }

    /// Makes the step named `name` fail with `error` on every attempt (its retry strategy
    /// still applies).
    pub fn mock_step_error(&self, name: &str, error: ErrorObject) -> &Self {
        self.mock_step_outcomes(name, vec![MockOutcome::Fail(error)])
    }

    /// One outcome per attempt of the step named `name`; the last one repeats.
    pub fn mock_step_outcomes(&self, name: &str, outcomes: Vec<MockOutcome>) -> &Self {
        self.mocks
            .by_name
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_owned(), outcomes);
        self
    }

    /// Answers the callback named `name` (or created by the wait-for-callback named `name`)
    /// with success `value` (sent as JSON), as soon as it exists.
    pub fn answer_callback(&self, name: &str, value: serde_json::Value) -> &Self {
        self.answer_callback_after(
            name,
            Duration::ZERO,
            CallbackAnswer::Succeed(Some(value.to_string())),
        )
    }

    /// Answers the callback named `name` with a failure.
    pub fn fail_callback(&self, name: &str, error: ErrorObject) -> &Self {
        self.answer_callback_after(name, Duration::ZERO, CallbackAnswer::Fail(error))
    }

    /// Answers the callback named `name` with `answer`, `delay` (virtual time) after it starts.
    pub fn answer_callback_after(&self, name: &str, delay: Duration, answer: CallbackAnswer) -> &Self {
        self.callbacks
            .answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_owned(), (delay, answer));
        self
    }

    /// Runs the workflow with `input` to completion (or until it waits on something only the
    /// outside world can deliver). Fails with [`EngineError::ReplayDivergence`] when the
    /// replay check finds the workflow nondeterministic.
    pub async fn run<I: Serialize + ?Sized>(&self, input: &I) -> Result<TestResult, EngineError> {
        let input = serde_json::to_string(input).map_err(|e| EngineError::InvalidInput(e.to_string()))?;
        let mut options = self.options.clone();
        options.log_sink = Some(self.logs.clone());
        options.step_interceptor = Some(self.mocks.clone());
        let engine = LocalEngine::new(
            Arc::new(MemoryStore::new()),
            Arc::new(VirtualClock::new()),
            options,
        );
        let arn = engine.start_execution(self.workflow.name(), Some(&input))?;
        let mut responder = NameResponder {
            mocks: self.callbacks.clone(),
            answered: HashSet::new(),
        };
        let record = engine.run_with(&self.workflow, &arn, &mut responder).await?;
        Ok(TestResult {
            record,
            logs: self.logs.records(),
        })
    }
}

/// The outcome of [`TestRunner::run`].
#[derive(Clone, Debug)]
pub struct TestResult {
    record: ExecutionRecord,
    logs: Vec<LogRecord>,
}

impl TestResult {
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

    /// The history events.
    pub fn history(&self) -> &[Arc<Event>] {
        &self.record.events
    }

    /// How many times the handler was invoked.
    pub fn invocations(&self) -> u32 {
        self.record.invocations
    }

    /// Log records written by the workflow.
    pub fn logs(&self) -> &[LogRecord] {
        &self.logs
    }

    /// The full execution record.
    pub fn record(&self) -> &ExecutionRecord {
        &self.record
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
