//! The local engine: an in-process implementation of the durable execution service's
//! semantics (update validation, the operation state machine, token rotation, timers,
//! re-invocation after suspension, history events), over a [`Store`], with real or virtual
//! time. It runs the same workflow code as Lambda, through the same engine.

mod callback_id;
mod client;
pub mod clock;
pub mod functions;
pub mod presence;
mod replay_check;
pub(crate) mod service;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod store;
pub mod store_conformance;
pub mod worker;

pub use clock::{Clock, SystemClock, VirtualClock};
pub use replay_check::{DivergenceKind, ReplayDivergence};
pub use service::{CallbackAnswer, CallbackApiError};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use store::{CallbackTimer, ExecutionRecord, ExecutionStatus, MemoryStore, Store, StoreError};

use client::LocalClient;
use durable_core::trace::TraceRecorder;
use durable_core::wire::{EpochMillis, ErrorObject, InvocationInput, InvocationOutput, InvocationStatus};
use durable_core::{run_invocation, ExecutionConfig, LogSink, StepInterceptor, Workflow};
use functions::{Functions, RegisteredWorkflow, Target};
use std::sync::Arc;
use tracing::instrument::WithSubscriber;
use tracing::Instrument;

/// Errors of the local engine itself (not of the workflows it runs).
#[derive(Clone, Debug, thiserror::Error)]
pub enum EngineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The input is not valid JSON.
    #[error("the input is not valid JSON: {0}")]
    InvalidInput(String),
    /// The execution already ended.
    #[error("execution {0} is not running")]
    NotRunning(String),
    /// No durable workflow is registered under this name.
    #[error("no workflow named `{0}` is registered")]
    UnknownWorkflow(String),
    /// The callback API refused an answer.
    #[error(transparent)]
    Callback(#[from] CallbackApiError),
    /// The execution kept being re-invoked without finishing.
    #[error("execution {arn} did not finish within {limit} invocations")]
    TooManyInvocations {
        /// The execution.
        arn: String,
        /// The limit.
        limit: u32,
    },
    /// The replay checker ([`EngineOptions::replay_check`]) found that a replay of the
    /// workflow asked for something else than the invocation it replayed; the execution was
    /// failed with error type `ReplayDivergence`.
    #[error("{0}")]
    ReplayDivergence(Box<ReplayDivergence>),
}

/// Settings of a [`LocalEngine`].
#[derive(Clone)]
pub struct EngineOptions {
    /// Operations per state page handed to an invocation (`None` = all in the event).
    pub page_size: Option<usize>,
    /// Consecutive failed invocations (crashes) after which the execution fails.
    pub max_invocation_retries: u32,
    /// Invocations after which [`LocalEngine::run_to_completion`] gives up.
    pub max_invocations: u32,
    /// Where workflow logs go (`None`: [`durable_core::AutoSink`], `tracing` events when a
    /// subscriber is installed, JSON lines on standard output otherwise).
    pub log_sink: Option<Arc<dyn LogSink>>,
    /// Step mocks (test runner).
    pub step_interceptor: Option<Arc<dyn StepInterceptor>>,
    /// Instrumentation plugins handed to every invocation.
    pub plugins: Vec<Arc<dyn durable_core::Plugin>>,
    /// Runs every invocation a second time, as a replay against the records it left, and
    /// compares what the two runs asked of the service (operations, wait durations, invoke
    /// inputs, callback options, the outcome): a workflow that depends on a clock, randomness,
    /// a global or hash-map order asks for something else. A difference fails the execution
    /// with error type `ReplayDivergence` and a report naming the operation and where the
    /// code created it, and [`LocalEngine::invoke`] returns
    /// [`EngineError::ReplayDivergence`]. The replay runs no step body, checkpoints nothing
    /// and logs nothing (no log record, no `tracing` event or span), so it changes nothing
    /// else; it costs a second replay per invocation.
    /// On in [`TestRunner`](crate::testing::TestRunner), off by default here (a staging
    /// worker turns it on: `durable worker --replay-check`).
    pub replay_check: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            page_size: None,
            max_invocation_retries: 3,
            max_invocations: 100_000,
            log_sink: None,
            step_interceptor: None,
            plugins: Vec::new(),
            replay_check: false,
        }
    }
}

/// An answer to deliver to a callback at a point in (engine) time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduledAnswer {
    /// When to deliver it.
    pub at: EpochMillis,
    /// The callback.
    pub callback_id: String,
    /// What to say.
    pub answer: CallbackAnswer,
}

/// Plays the outside world during [`LocalEngine::run_with`]: after every change to the
/// execution it may schedule answers to callbacks (a test's mocked approver, a conformance
/// requirement's `CallbackActions`).
pub trait Responder: Send {
    /// Sees the execution at `now`; returns answers to schedule. It may be called while the
    /// store holds the record's lock, so it must not call back into the engine or the store.
    fn observe(&mut self, record: &ExecutionRecord, now: EpochMillis) -> Vec<ScheduledAnswer>;
}

/// A responder that never answers.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoResponder;

impl Responder for NoResponder {
    fn observe(&mut self, _: &ExecutionRecord, _: EpochMillis) -> Vec<ScheduledAnswer> {
        Vec::new()
    }
}

/// How one invocation ended, as the engine saw it.
#[derive(Clone, Debug, PartialEq)]
pub enum InvocationOutcome {
    /// The handler returned a response with this status.
    Returned(InvocationStatus),
    /// The handler failed (error or crash); the service re-invokes.
    Failed(ErrorObject),
}

/// The local durable execution service.
pub struct LocalEngine {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    options: EngineOptions,
    functions: Arc<Functions>,
    /// Signalled whenever this engine changes an execution from outside an invocation
    /// (start, callback answer, stop), so a worker reacts at once instead of at its next poll.
    changed: Arc<tokio::sync::Notify>,
}

impl LocalEngine {
    /// An engine over `store` with `clock`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, options: EngineOptions) -> Self {
        LocalEngine {
            store,
            clock,
            options,
            functions: Arc::new(Functions::default()),
            changed: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// An in-memory engine with virtual time: waits and retry delays are skipped.
    pub fn in_memory() -> Self {
        Self::new(
            Arc::new(MemoryStore::new()),
            Arc::new(VirtualClock::new()),
            EngineOptions::default(),
        )
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Registers a durable workflow as a chained-invoke target, under its name.
    pub fn register_workflow<W: Workflow>(&self, workflow: W) {
        let registered = RegisteredWorkflow::new(workflow);
        self.functions.insert(
            registered.name().to_owned(),
            Target::Durable(Arc::new(registered)),
        );
    }

    /// Registers a plain (non-durable) function as a chained-invoke target.
    pub fn register_function(
        &self,
        name: &str,
        function: impl Fn(serde_json::Value) -> Result<serde_json::Value, ErrorObject> + Send + Sync + 'static,
    ) {
        self.functions.insert(name, Target::Plain(Arc::new(function)));
    }

    /// The names of the registered workflows, sorted.
    pub fn workflow_names(&self) -> Vec<String> {
        self.functions.workflow_names()
    }

    /// The durable workflow registered under `name`.
    pub fn workflow(&self, name: &str) -> Option<Arc<RegisteredWorkflow>> {
        match self.functions.get(name) {
            Some(Target::Durable(w)) => Some(w),
            _ => None,
        }
    }

    /// Resolves the next time this engine changes an execution from outside an invocation.
    pub fn changed(&self) -> impl std::future::Future<Output = ()> + '_ {
        self.changed.notified()
    }

    pub(crate) fn notify_changed(&self) {
        self.changed.notify_waiters();
    }

    pub(crate) fn functions(&self) -> &Functions {
        &self.functions
    }

    /// Stops a running execution (`StopDurableExecution`): it ends `STOPPED` with `error`.
    pub fn stop_execution(&self, arn: &str, error: Option<ErrorObject>) -> Result<(), EngineError> {
        let now = EpochMillis(self.clock.now_ms());
        let mut was_running = false;
        self.store.update(arn, &mut |record| {
            was_running = !record.status.is_terminal();
            let error = error
                .clone()
                .or_else(|| Some(ErrorObject::new("Stopped", "the execution was stopped")));
            service::complete(record, ExecutionStatus::Stopped, None, error, now);
        })?;
        self.notify_changed();
        if was_running {
            Ok(())
        } else {
            Err(EngineError::NotRunning(arn.to_owned()))
        }
    }

    /// Creates an execution of `workflow` with `input` (JSON text; `None` = no input).
    pub fn start_execution(&self, workflow: &str, input: Option<&str>) -> Result<String, EngineError> {
        self.start_execution_at(service::child_arn(workflow), workflow, input)
    }

    pub(crate) fn start_execution_at(
        &self,
        arn: String,
        workflow: &str,
        input: Option<&str>,
    ) -> Result<String, EngineError> {
        if let Some(text) = input {
            serde_json::from_str::<serde_json::Value>(text)
                .map_err(|e| EngineError::InvalidInput(e.to_string()))?;
        }
        let now = EpochMillis(self.clock.now_ms());
        let record = service::new_execution(arn.clone(), workflow.to_owned(), input.map(str::to_owned), now);
        self.store.create(record)?;
        self.notify_changed();
        Ok(arn)
    }

    /// Runs one invocation of execution `arn` and records its completion.
    ///
    /// With [`EngineOptions::replay_check`], a replay that diverges from the invocation fails
    /// the execution (error type `ReplayDivergence`) and returns
    /// [`EngineError::ReplayDivergence`] once that is recorded.
    pub async fn invoke<W: Workflow>(
        &self,
        workflow: &Arc<W>,
        arn: &str,
    ) -> Result<InvocationOutcome, EngineError> {
        let start = EpochMillis(self.clock.now_ms());
        let page_size = self.options.page_size;
        let (event, invocation) = store::apply(&*self.store, arn, move |record| {
            record.invocations += 1;
            let token = service::rotate_token(record);
            let updated: Vec<String> = record.dirty.drain(..).collect();
            let event = InvocationInput {
                durable_execution_arn: record.arn.clone(),
                checkpoint_token: token,
                initial_execution_state: client::page_of(&record.operations, 0, page_size),
                updated_operation_ids: updated,
            };
            (event, record.invocations)
        })
        .await?;
        let client = Arc::new(LocalClient {
            store: self.store.clone(),
            clock: self.clock.clone(),
            page_size,
        });
        let mut config = ExecutionConfig::default();
        if let Some(sink) = &self.options.log_sink {
            config.log_sink = sink.clone();
        }
        config.step_interceptor = self.options.step_interceptor.clone();
        // What the workflow sees of time follows the engine's clock (virtual in tests).
        config.clock = Arc::new(clock::EngineWallClock(self.clock.clone()));
        config.plugins = self.options.plugins.clone();
        let recorder = self.options.replay_check.then(|| Arc::new(TraceRecorder::new()));
        config.trace = recorder.clone();
        let wf = workflow.clone();
        // A panic in workflow code is a crashed invocation, not ours: caught here, in this
        // task (a spawned task would hand every invocation to another worker thread and back).
        // It records its spans and events where the caller does (the caller's span, a test's
        // scoped subscriber).
        let task = async move { run_invocation(&*wf, event, client, config).await };
        let joined = CatchPanic(Box::pin(task.in_current_span().with_current_subscriber())).await;
        let end = EpochMillis(self.clock.now_ms().max(start.0));
        let request_id = format!("{:032x}", fastrand::u128(..));
        let mut outcome = match joined {
            Ok(Ok(output)) => Ok(output),
            Ok(Err(e)) => Err(ErrorObject::new("Runtime.InvocationError", e.to_string())),
            Err(join) => Err(ErrorObject::new("Runtime.ExitError", panic_message(join))),
        };
        // Checked before the invocation's end is recorded, so a divergence fails the
        // execution in the same write instead of overwriting an outcome already recorded.
        let divergence = match (&recorder, &outcome) {
            (Some(recorder), Ok(_)) => replay_check::check(workflow, recorder, invocation).await,
            _ => None,
        };
        if let Some(d) = &divergence {
            outcome = Ok(InvocationOutput::failed(d.error_object()));
        }
        let max_retries = self.options.max_invocation_retries;
        let result = store::apply(&*self.store, arn, move |record| match outcome {
            Ok(output) => {
                service::invocation_completed(record, start, end, request_id, None);
                record.failed_invocations = 0;
                match output.status {
                    InvocationStatus::Succeeded => {
                        // A large result was already recorded by an EXECUTION checkpoint.
                        let value = output.result.filter(|r| !r.is_empty()).or(record.result.clone());
                        service::complete(record, ExecutionStatus::Succeeded, value, None, end);
                    }
                    InvocationStatus::Failed => {
                        let error = output.error.or(record.error.clone());
                        service::complete(record, ExecutionStatus::Failed, None, error, end);
                    }
                    InvocationStatus::Pending => {}
                }
                InvocationOutcome::Returned(output.status)
            }
            Err(error) => {
                service::invocation_completed(record, start, end, request_id, Some(error.clone()));
                record.failed_invocations += 1;
                if record.failed_invocations > max_retries {
                    service::complete(record, ExecutionStatus::Failed, None, Some(error.clone()), end);
                }
                InvocationOutcome::Failed(error)
            }
        })
        .await?;
        match divergence {
            Some(d) => Err(EngineError::ReplayDivergence(Box::new(d))),
            None => Ok(result),
        }
    }

    /// Invokes execution `arn` until it finishes or has nothing left to wait for that this
    /// engine can deliver by itself (e.g. it waits on a callback nobody answers), firing
    /// timers in between (instantly under a virtual clock, by sleeping under the real one).
    pub async fn run_to_completion<W: Workflow>(
        &self,
        workflow: &Arc<W>,
        arn: &str,
    ) -> Result<ExecutionRecord, EngineError> {
        self.run_with(workflow, arn, &mut NoResponder).await
    }

    /// Like [`LocalEngine::run_to_completion`], with `responder` playing the outside world:
    /// it sees the execution after every change and schedules callback answers.
    pub async fn run_with<W: Workflow>(
        &self,
        workflow: &Arc<W>,
        arn: &str,
        responder: &mut dyn Responder,
    ) -> Result<ExecutionRecord, EngineError> {
        let mut invocations = 0;
        let mut scheduled: Vec<ScheduledAnswer> = Vec::new();
        loop {
            let mut terminal = false;
            self.store.read(arn, &mut |r| terminal = r.status.is_terminal())?;
            if terminal {
                return Ok(self.store.get(arn)?);
            }
            if invocations >= self.options.max_invocations {
                return Err(EngineError::TooManyInvocations {
                    arn: arn.to_owned(),
                    limit: invocations,
                });
            }
            invocations += 1;
            let outcome = self.invoke(workflow, arn).await?;
            let now = EpochMillis(self.clock.now_ms());
            let (mut terminal, mut timer) = (false, None);
            self.store.read(arn, &mut |r| {
                scheduled.extend(responder.observe(r, now));
                terminal = r.status.is_terminal();
                timer = service::next_timer(r);
            })?;
            if terminal {
                return Ok(self.store.get(arn)?);
            }
            if matches!(outcome, InvocationOutcome::Failed(_)) {
                // Lambda retries a failed invocation after a short back-off.
                self.sleep_until(self.clock.now_ms() + 1000).await;
                continue;
            }
            if self.run_pending_invokes(arn).await? {
                continue;
            }
            // Suspended: wait for the next timer or answer that changes an operation.
            loop {
                let next_answer = scheduled.iter().map(|a| a.at).min();
                let due = match (timer, next_answer) {
                    (Some(a), Some(b)) => a.min(b),
                    (a, b) => match a.or(b) {
                        Some(t) => t,
                        None => return Ok(self.store.get(arn)?),
                    },
                };
                self.sleep_until(due.0).await;
                let now = EpochMillis(self.clock.now_ms());
                let mut changed = false;
                let (due_now, later): (Vec<_>, Vec<_>) = scheduled.drain(..).partition(|a| a.at <= now);
                scheduled = later;
                self.store.update(arn, &mut |record| {
                    changed |= !service::fire_timers(record, now).is_empty();
                })?;
                for answer in due_now {
                    let is_heartbeat = answer.answer == CallbackAnswer::Heartbeat;
                    // An answer the service refuses (e.g. after a timeout) changes nothing.
                    if self.answer_callback(&answer.callback_id, answer.answer).is_ok() && !is_heartbeat {
                        changed = true;
                    }
                }
                self.store.read(arn, &mut |r| {
                    scheduled.extend(responder.observe(r, now));
                    terminal = r.status.is_terminal();
                    timer = service::next_timer(r);
                })?;
                if changed || terminal {
                    break;
                }
            }
        }
    }

    /// Runs the chained invokes execution `arn` started, recording each outcome on the
    /// caller. Returns whether any outcome was recorded.
    async fn run_pending_invokes(&self, arn: &str) -> Result<bool, EngineError> {
        let mut pending = Vec::new();
        self.store.update(arn, &mut |record| {
            pending = std::mem::take(&mut record.pending_invokes)
        })?;
        let any = !pending.is_empty();
        for invoke in pending {
            let outcome = match self.functions.get(&invoke.function_name) {
                None => Err(service::function_not_found(&invoke.function_name)),
                Some(Target::Plain(f)) => {
                    let input = match invoke.input.as_deref().map(serde_json::from_str).transpose() {
                        Ok(v) => v.unwrap_or(serde_json::Value::Null),
                        Err(e) => serde_json::Value::String(format!("unparsable input: {e}")),
                    };
                    f(input).map(|v| Some(v.to_string()))
                }
                Some(Target::Durable(workflow)) => {
                    let child = self
                        .run_child(workflow, invoke.execution_arn.clone(), invoke.input.clone())
                        .await?;
                    service::invoked_execution_outcome(&child)
                }
            };
            let now = EpochMillis(self.clock.now_ms());
            self.store.update(arn, &mut |record| {
                service::complete_invoke(record, &invoke.operation_id, outcome.clone(), now)
            })?;
        }
        Ok(any)
    }

    /// Runs a durable invoke target as an execution of its own (boxed: targets may invoke).
    fn run_child<'a>(
        &'a self,
        workflow: Arc<RegisteredWorkflow>,
        arn: String,
        input: Option<String>,
    ) -> durable_core::BoxFuture<'a, Result<ExecutionRecord, EngineError>> {
        Box::pin(async move {
            let arn = self.start_execution_at(arn, workflow.name(), input.as_deref())?;
            self.run_with(&workflow, &arn, &mut NoResponder).await
        })
    }

    /// Delivers an external answer to a callback (the `SendDurableExecutionCallback*` APIs).
    pub fn answer_callback(&self, callback_id: &str, answer: CallbackAnswer) -> Result<(), EngineError> {
        let (arn, operation_id) = callback_id::parse(callback_id)
            .ok_or_else(|| CallbackApiError::NotFound(callback_id.to_owned()))?;
        let now = EpochMillis(self.clock.now_ms());
        let mut result = Err(CallbackApiError::NotFound(callback_id.to_owned()));
        match self.store.update(&arn, &mut |record| {
            result = service::answer_callback(record, callback_id, &operation_id, answer.clone(), now);
        }) {
            Ok(()) => {
                result?;
                self.notify_changed();
                Ok(())
            }
            Err(StoreError::NotFound(_)) => Err(CallbackApiError::NotFound(callback_id.to_owned()).into()),
            Err(e) => Err(e.into()),
        }
    }

    /// Starts an execution and runs it to completion.
    pub async fn run<W: Workflow>(
        &self,
        workflow: &Arc<W>,
        input: Option<&str>,
    ) -> Result<ExecutionRecord, EngineError> {
        let arn = self.start_execution(workflow.name(), input)?;
        self.run_to_completion(workflow, &arn).await
    }

    async fn sleep_until(&self, t: i64) {
        if !self.clock.advance_to(t) {
            let now = self.clock.now_ms();
            if t > now {
                tokio::time::sleep(std::time::Duration::from_millis((t - now) as u64)).await;
            }
        }
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match panic_text(payload) {
        Some(s) => format!("the function crashed: {s}"),
        None => "the function crashed".to_owned(),
    }
}

/// A future that ends with the panic's payload if polling the inner one panics.
struct CatchPanic<F>(std::pin::Pin<Box<F>>);

impl<F: std::future::Future> std::future::Future for CatchPanic<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || inner.poll(cx))) {
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Ok(std::task::Poll::Ready(output)) => std::task::Poll::Ready(Ok(output)),
            Err(payload) => std::task::Poll::Ready(Err(payload)),
        }
    }
}

/// The message a panic was raised with, if it has one.
pub(crate) fn panic_text(payload: Box<dyn std::any::Any + Send>) -> Option<String> {
    match payload.downcast::<String>() {
        Ok(s) => Some(*s),
        Err(payload) => payload.downcast_ref::<&str>().map(|s| (*s).to_owned()),
    }
}
