//! The test runner: run a workflow to completion under virtual time, with step mocks,
//! callback answers and chained-invoke targets or mocks, and inspect its status, typed
//! result, operations, history, invokes and step attempts; or hold a run and act on it
//! mid-way (wait for an operation, answer its callback, let time pass).
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
//!
//! Holding a run ([`TestRunner::start`]): the test waits for a callback, reads it, and
//! answers it; meanwhile virtual time does not run past the callback's timeout.
//!
//! ```
//! use durable_runtime::prelude::*;
//! use durable_runtime::testing::{OperationState, TestRunner};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let wf = workflow_fn("approval", |ctx: DurableContext, _: ()| async move {
//!     let ok: bool = ctx
//!         .wait_for_callback("approve", |_id: String, _| async { Ok::<_, DurableError>(()) })
//!         .timeout(Duration::from_secs(3600))
//!         .await?;
//!     Ok(ok)
//! });
//! let run = TestRunner::new(wf).start(&()).unwrap();
//! let approve = run.wait_for_operation("approve", OperationState::Started).await.unwrap();
//! assert!(approve.callback_id().is_some());
//! run.answer_callback("approve", serde_json::json!(true)).await.unwrap();
//! assert!(run.result().await.unwrap().output::<bool>().unwrap());
//! # });
//! ```

mod attempts;
mod driver;
mod invoke;
mod logs;
mod mocks;
mod result;
mod run;

pub use attempts::{AttemptResult, StepAttempt};
pub use invoke::{InvokeCall, InvokeTarget};
pub use logs::LogCollector;
pub use result::TestResult;
pub use run::{OperationState, OperationView, PendingCallback, Stalled, TestRun, TestRunError};

use crate::local::functions::{RegisteredWorkflow, Target};
use crate::local::{CallbackAnswer, EngineError, EngineOptions, LocalEngine, MemoryStore, VirtualClock};
use attempts::Probe;
use driver::Run;
use durable_core::config::MockOutcome;
use durable_core::wire::ErrorObject;
use durable_core::Workflow;
use mocks::{lock, CallbackScripts, InvokeSetup, StepMocks};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tracing::instrument::WithSubscriber;
use tracing::Instrument;

/// Runs one workflow under virtual time with an in-memory store.
///
/// Scripts (step mocks, callback answers, invoke targets and mocks) are set on the runner
/// and apply to every run it starts, including runs started before they were set.
///
/// Every invocation is checked by replaying it a second time against the records it left
/// and comparing what the two runs asked of the service ([`EngineOptions::replay_check`]):
/// a workflow that depends on a clock, randomness, a global or hash-map order makes
/// [`TestRunner::run`] return [`EngineError::ReplayDivergence`], naming the operation and
/// where the code created it. The replay runs no step body, consumes no mock and logs
/// nothing, so results, histories and counts are those of the real runs.
/// [`TestRunner::replay_check`] turns it off.
pub struct TestRunner<W: Workflow> {
    pub(crate) workflow: Arc<W>,
    mocks: Arc<StepMocks>,
    callbacks: Arc<CallbackScripts>,
    invokes: Arc<InvokeSetup>,
    options: EngineOptions,
}

impl<W: Workflow> TestRunner<W> {
    /// A runner for `workflow`.
    pub fn new(workflow: W) -> Self {
        TestRunner {
            workflow: Arc::new(workflow),
            mocks: Arc::new(StepMocks::default()),
            callbacks: Arc::new(CallbackScripts::default()),
            invokes: Arc::new(InvokeSetup::default()),
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
    ///
    /// `name` is a step name or a path. A name matches the step wherever it is: at the root,
    /// in child contexts, in map and parallel items (every item's step of that name), and in
    /// invoked workflows. A path — the names of the enclosing contexts and the step's own,
    /// joined by `/`, as [`TestResult::path_of`] spells them (`"charge-all/map-item-1/charge"`)
    /// — matches only the step at that place, and wins over a mock by name. Attempts count
    /// per step: in a map, each item's step has its own attempts.
    pub fn mock_step(&self, name: &str, value: serde_json::Value) -> &Self {
        self.mock_step_outcomes(name, vec![MockOutcome::Succeed(value)])
    }

    /// Makes the step named `name` fail with `error` on every attempt (its retry strategy
    /// still applies).
    pub fn mock_step_error(&self, name: &str, error: ErrorObject) -> &Self {
        self.mock_step_outcomes(name, vec![MockOutcome::Fail(error)])
    }

    /// Makes the first `failures` attempts of the step named `name` fail with `error`, and
    /// the next one return `value` (the step's retry strategy decides whether there is a next
    /// one, and how long it waits: virtual time).
    pub fn mock_step_failing(
        &self,
        name: &str,
        failures: u32,
        error: ErrorObject,
        value: serde_json::Value,
    ) -> &Self {
        let mut outcomes: Vec<MockOutcome> =
            (0..failures).map(|_| MockOutcome::Fail(error.clone())).collect();
        outcomes.push(MockOutcome::Succeed(value));
        self.mock_step_outcomes(name, outcomes)
    }

    /// One outcome per attempt of the step named `name`; the last one repeats.
    pub fn mock_step_outcomes(&self, name: &str, outcomes: Vec<MockOutcome>) -> &Self {
        lock(&self.mocks.by_selector).insert(name.to_owned(), outcomes);
        self
    }

    /// Answers the callback named `name` (or created by the wait-for-callback named `name`)
    /// with success `value` (sent as JSON), as soon as it exists. This applies to callbacks
    /// of invoked workflows too. `name` may be a path, as for [`TestRunner::mock_step`]: only
    /// the callback at that place is answered.
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
        lock(&self.callbacks.answers).insert(name.to_owned(), (delay, answer));
        self
    }

    /// Registers `workflow` as a chained-invoke target under its name: `ctx.invoke(..)` of it
    /// runs it as an execution of its own (with its own history, returned in
    /// [`InvokeCall::execution`]), under the same virtual clock, step mocks, callback
    /// scripts and invoke targets, as the local engine does.
    pub fn register_workflow<T: Workflow>(&self, workflow: T) -> &Self {
        let registered = RegisteredWorkflow::new(workflow);
        lock(&self.invokes.targets).insert(
            registered.name().to_owned(),
            Target::Durable(Arc::new(registered)),
        );
        self
    }

    /// Registers a plain (non-durable) function as a chained-invoke target: JSON in, JSON or
    /// an error out.
    pub fn register_function(
        &self,
        name: &str,
        function: impl Fn(serde_json::Value) -> Result<serde_json::Value, ErrorObject> + Send + Sync + 'static,
    ) -> &Self {
        lock(&self.invokes.targets).insert(name.to_owned(), Target::Plain(Arc::new(function)));
        self
    }

    /// Makes chained invokes named `name` return `value` without running anything: `name` is
    /// the invoke's operation name (`ctx.invoke(name, ..)`) or the function name it invokes;
    /// a mock for the operation name wins. Mocks win over registered targets.
    pub fn mock_invoke(&self, name: &str, value: serde_json::Value) -> &Self {
        self.mock_invoke_outcomes(name, vec![MockOutcome::Succeed(value)])
    }

    /// Makes chained invokes named `name` (as in [`TestRunner::mock_invoke`]) fail with
    /// `error`; the workflow sees [`DurableError::InvokeFailed`](durable_core::DurableError::InvokeFailed).
    pub fn mock_invoke_error(&self, name: &str, error: ErrorObject) -> &Self {
        self.mock_invoke_outcomes(name, vec![MockOutcome::Fail(error)])
    }

    /// One outcome per call of the invokes named `name` (as in [`TestRunner::mock_invoke`]),
    /// counted per run; the last one repeats.
    pub fn mock_invoke_outcomes(&self, name: &str, outcomes: Vec<MockOutcome>) -> &Self {
        lock(&self.invokes.mocks).insert(name.to_owned(), outcomes);
        self
    }

    /// Runs the workflow with `input` to completion (or until it waits on something only the
    /// outside world can deliver: a callback without timeout that no script answers). Fails
    /// with [`EngineError::ReplayDivergence`] when the replay check finds the workflow
    /// nondeterministic.
    pub async fn run<I: Serialize + ?Sized>(&self, input: &I) -> Result<TestResult, EngineError> {
        let run = self.prepare(input, true)?;
        let outcome = run.drive_main(&self.workflow).await;
        run.result(outcome)
    }

    /// Starts the workflow with `input` on the current Tokio runtime and returns a handle to
    /// hold the run with: wait for operations, read them, answer their callbacks, let time
    /// pass, and finally [`TestRun::result`]. See [`TestRun`] for how virtual time moves
    /// while the test holds the run.
    ///
    /// Errors: [`TestRunError::NoRuntime`] outside a Tokio runtime,
    /// [`TestRunError::Engine`] for an input that does not serialize.
    pub fn start<I: Serialize + ?Sized>(&self, input: &I) -> Result<TestRun, TestRunError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| TestRunError::NoRuntime)?;
        let run = Arc::new(self.prepare(input, false)?);
        let workflow = self.workflow.clone();
        let driver = run.clone();
        // The run records its spans and events where the test does (its scoped subscriber).
        let drive = async move { driver.drive_main(&workflow).await };
        let task = runtime.spawn(drive.in_current_span().with_current_subscriber());
        Ok(TestRun::new(run, task))
    }

    /// A fresh engine (in-memory store, virtual clock) with the execution created.
    fn prepare<I: Serialize + ?Sized>(&self, input: &I, released: bool) -> Result<Run, EngineError> {
        let input = serde_json::to_string(input).map_err(|e| EngineError::InvalidInput(e.to_string()))?;
        let logs = Arc::new(LogCollector::default());
        let probe = Arc::new(Probe::default());
        let mut options = self.options.clone();
        options.log_sink = Some(logs.clone());
        options.step_interceptor = Some(self.mocks.clone());
        options.plugins.push(probe.clone());
        let max_invocations = options.max_invocations;
        let engine = LocalEngine::new(
            Arc::new(MemoryStore::new()),
            Arc::new(VirtualClock::new()),
            options,
        );
        let arn = engine.start_execution(self.workflow.name(), Some(&input))?;
        Ok(Run::new(
            engine,
            arn,
            released,
            logs,
            probe,
            self.callbacks.clone(),
            self.invokes.clone(),
            max_invocations,
        ))
    }
}
