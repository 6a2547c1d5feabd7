//! Drives the executions of one test run: invocations, timers, scripted callback answers and
//! chained invokes, as [`LocalEngine::run_with`] does, plus the rule that lets a test hold a
//! run (see [`TestRun`](super::TestRun)): while the test holds it, virtual time never reaches
//! the deadline of an open callback that no script answers; when nothing else can happen
//! first, the driver waits for the test.

use super::attempts::Probe;
use super::invoke::{InvokeCall, InvokeTarget};
use super::logs::LogCollector;
use super::mocks::{lock, CallbackScripts, InvokeSetup};
use super::result::TestResult;
use super::run::PendingCallback;
use crate::local::functions::{RegisteredWorkflow, Target};
use crate::local::service;
use crate::local::{
    CallbackAnswer, EngineError, ExecutionRecord, InvocationOutcome, LocalEngine, ScheduledAnswer,
};
use durable_core::config::MockOutcome;
use durable_core::wire::{EpochMillis, ErrorObject};
use durable_core::{BoxFuture, Workflow};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, Notify};

/// What the test allows the driver to do with time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Gate {
    /// The test gave time back ([`TestRun::result`](super::TestRun::result), or
    /// [`TestRunner::run`](super::TestRunner::run)): time moves freely.
    pub released: bool,
    /// Time may move up to here regardless of open callbacks (`advance`).
    pub limit: i64,
    /// Counts the test's actions.
    pub epoch: u64,
}

/// What the driver is doing.
#[derive(Clone, Debug)]
pub(crate) enum Phase {
    /// Running, or about to.
    Busy,
    /// Waiting for the test, having seen its actions up to `epoch`.
    Idle { epoch: u64 },
    /// Done; the error, if the engine failed.
    Finished(Option<EngineError>),
}

/// The driver's progress, published after every change.
#[derive(Clone, Debug)]
pub(crate) struct Progress {
    pub seq: u64,
    pub phase: Phase,
}

enum Permit {
    /// Move time to this instant (if it is later) and fire what is due.
    Go(i64),
    /// Released and nothing is due: the execution waits on something only the outside world
    /// can deliver.
    Done,
    /// Wait for the test; its actions so far: this epoch.
    Hold(u64),
}

/// One test run: its engine (in-memory store, virtual clock), scripts, and what it recorded.
pub(crate) struct Run {
    pub(crate) engine: LocalEngine,
    pub(crate) arn: String,
    pub(crate) logs: Arc<LogCollector>,
    pub(crate) probe: Arc<Probe>,
    scripts: Arc<CallbackScripts>,
    invokes: Arc<InvokeSetup>,
    /// Callback ids a script will answer.
    scripted: Mutex<HashSet<String>>,
    /// Calls each invoke mock answered.
    mock_calls: Mutex<HashMap<String, usize>>,
    pub(crate) calls: Mutex<Vec<InvokeCall>>,
    gate: Mutex<Gate>,
    wake: Notify,
    pub(crate) progress: watch::Sender<Progress>,
    max_invocations: u32,
}

impl Run {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        engine: LocalEngine,
        arn: String,
        released: bool,
        logs: Arc<LogCollector>,
        probe: Arc<Probe>,
        scripts: Arc<CallbackScripts>,
        invokes: Arc<InvokeSetup>,
        max_invocations: u32,
    ) -> Self {
        Run {
            engine,
            arn,
            logs,
            probe,
            scripts,
            invokes,
            scripted: Mutex::new(HashSet::new()),
            mock_calls: Mutex::new(HashMap::new()),
            calls: Mutex::new(Vec::new()),
            gate: Mutex::new(Gate {
                released,
                limit: i64::MIN,
                epoch: 0,
            }),
            wake: Notify::new(),
            progress: watch::Sender::new(Progress {
                seq: 0,
                phase: Phase::Busy,
            }),
            max_invocations,
        }
    }

    /// The engine's clock, in milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        self.engine.clock().now_ms()
    }

    pub(crate) fn gate(&self) -> Gate {
        *lock(&self.gate)
    }

    /// Records a test action (after its effect on the store) and wakes the driver; returns
    /// the action's epoch.
    pub(crate) fn act(&self, change: impl FnOnce(&mut Gate)) -> u64 {
        let epoch = {
            let mut gate = lock(&self.gate);
            change(&mut gate);
            gate.epoch += 1;
            gate.epoch
        };
        self.wake.notify_one();
        epoch
    }

    /// Resolves once the driver has seen the test's actions up to `epoch` and waits for the
    /// test again, or has finished.
    pub(crate) async fn settled(&self, epoch: u64) {
        let mut rx = self.progress.subscribe();
        loop {
            match rx.borrow_and_update().phase {
                Phase::Finished(_) => return,
                Phase::Idle { epoch: seen } if seen >= epoch => return,
                _ => {}
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    /// The TestResult of this run, once the driver returned `outcome`.
    pub(crate) fn result(
        &self,
        outcome: Result<ExecutionRecord, EngineError>,
    ) -> Result<TestResult, EngineError> {
        let record = outcome?;
        Ok(TestResult::new(
            record,
            self.logs.records(),
            lock(&self.calls).clone(),
            self.probe.runs(),
        ))
    }

    fn publish(&self, phase: Phase) {
        self.progress.send_modify(|p| {
            p.seq += 1;
            p.phase = phase;
        });
    }

    /// Runs the run's own execution to its end (or until it waits on something only the
    /// outside world can deliver, once released), then publishes that it finished.
    pub(crate) async fn drive_main<W: Workflow>(
        &self,
        workflow: &Arc<W>,
    ) -> Result<ExecutionRecord, EngineError> {
        /// Publishes `Finished` even if the driver is cancelled or panics, so nobody waits on it.
        struct Finish<'a>(&'a Run, Option<EngineError>);
        impl Drop for Finish<'_> {
            fn drop(&mut self) {
                self.0.publish(Phase::Finished(self.1.take()));
            }
        }
        let mut finish = Finish(self, None);
        let outcome = self.drive(workflow, &self.arn).await;
        finish.1 = outcome.as_ref().err().cloned();
        drop(finish);
        outcome
    }

    /// Drives execution `arn` like [`LocalEngine::run_with`], within the test's hold on time.
    async fn drive<W: Workflow>(&self, workflow: &Arc<W>, arn: &str) -> Result<ExecutionRecord, EngineError> {
        let store = self.engine.store().clone();
        let mut scheduled: Vec<ScheduledAnswer> = Vec::new();
        let mut invocations = 0;
        loop {
            if self.observe(arn, &mut scheduled)? {
                return Ok(store.get(arn)?);
            }
            if invocations >= self.max_invocations {
                return Err(EngineError::TooManyInvocations {
                    arn: arn.to_owned(),
                    limit: invocations,
                });
            }
            invocations += 1;
            let outcome = self.engine.invoke(workflow, arn).await?;
            self.publish(Phase::Busy);
            if self.observe(arn, &mut scheduled)? {
                return Ok(store.get(arn)?);
            }
            if matches!(outcome, InvocationOutcome::Failed(_)) {
                // Lambda retries a failed invocation after a short back-off.
                self.pass_time_until(self.now_ms() + 1000).await?;
                continue;
            }
            if self.run_pending_invokes(arn).await? {
                continue;
            }
            // Suspended: wait for the next timer or answer that changes an operation, or for
            // the test.
            loop {
                // Read before the record, so an action after this is seen as new.
                let gate = self.gate();
                let (mut dirty, mut terminal, mut timer) = (false, false, None);
                store.read(arn, &mut |r| {
                    dirty = !r.dirty.is_empty();
                    terminal = r.status.is_terminal();
                    timer = service::next_timer(r).map(|t| t.0);
                })?;
                if terminal {
                    return Ok(store.get(arn)?);
                }
                if dirty {
                    // Something changed the function has not seen (the test answered a
                    // callback): invoke.
                    break;
                }
                let next_answer = scheduled.iter().map(|a| a.at.0).min();
                let due = match (timer, next_answer) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                let t = match self.decide(gate, due)? {
                    Permit::Done => return Ok(store.get(arn)?),
                    Permit::Hold(epoch) => {
                        self.hold(epoch).await;
                        continue;
                    }
                    Permit::Go(t) => t,
                };
                self.engine.clock().advance_to(t);
                let now = EpochMillis(self.now_ms());
                let mut changed = false;
                let (due_now, later): (Vec<_>, Vec<_>) = scheduled.drain(..).partition(|a| a.at <= now);
                scheduled = later;
                store.update(arn, &mut |record| {
                    changed |= !service::fire_timers(record, now).is_empty();
                })?;
                for answer in due_now {
                    let is_heartbeat = answer.answer == CallbackAnswer::Heartbeat;
                    // An answer the service refuses (e.g. after a timeout) changes nothing.
                    if self
                        .engine
                        .answer_callback(&answer.callback_id, answer.answer)
                        .is_ok()
                        && !is_heartbeat
                    {
                        changed = true;
                    }
                }
                let terminal = self.observe(arn, &mut scheduled)?;
                self.publish(Phase::Busy);
                if changed || terminal {
                    break;
                }
            }
        }
    }

    /// Lets the scripts see execution `arn` (scheduling answers for its callbacks); returns
    /// whether it ended.
    fn observe(&self, arn: &str, scheduled: &mut Vec<ScheduledAnswer>) -> Result<bool, EngineError> {
        let now = EpochMillis(self.now_ms());
        let mut terminal = false;
        self.engine.store().read(arn, &mut |r| {
            terminal = r.status.is_terminal();
            if !terminal {
                scheduled.extend(self.scripts.schedule(r, now, &mut lock(&self.scripted)));
            }
        })?;
        Ok(terminal)
    }

    /// What the driver may do next, given what is due next.
    fn decide(&self, gate: Gate, due: Option<i64>) -> Result<Permit, EngineError> {
        if gate.released {
            return Ok(due.map_or(Permit::Done, Permit::Go));
        }
        if let Some(t) = due {
            if t <= gate.limit || self.horizon()?.is_none_or(|deadline| t < deadline) {
                return Ok(Permit::Go(t));
            }
        }
        if gate.limit > self.now_ms() {
            // The test said to let time pass: it passes even if nothing happens in it.
            return Ok(Permit::Go(gate.limit));
        }
        Ok(Permit::Hold(gate.epoch))
    }

    /// The earliest deadline (timeout or heartbeat) of an open callback no script answers,
    /// over every execution of the run.
    fn horizon(&self) -> Result<Option<i64>, EngineError> {
        let store = self.engine.store();
        let mut earliest: Option<i64> = None;
        for arn in store.list()? {
            store.read(&arn, &mut |r| {
                if r.status.is_terminal() {
                    return;
                }
                let scripted = lock(&self.scripted);
                for timer in &r.callbacks {
                    let id = r
                        .operation(&timer.operation_id)
                        .and_then(|op| op.callback_details.as_ref())
                        .and_then(|d| d.callback_id.as_deref());
                    if id.is_some_and(|id| scripted.contains(id)) {
                        continue;
                    }
                    if let Some(deadline) = timer.next_deadline() {
                        earliest = Some(earliest.map_or(deadline.0, |e| e.min(deadline.0)));
                    }
                }
            })?;
        }
        Ok(earliest)
    }

    /// The open callbacks no script answers, over every execution of the run.
    pub(crate) fn unscripted_callbacks(&self) -> Vec<PendingCallback> {
        let store = self.engine.store();
        let mut open = Vec::new();
        for arn in store.list().unwrap_or_default() {
            let _ = store.read(&arn, &mut |r| {
                if r.status.is_terminal() {
                    return;
                }
                let scripted = lock(&self.scripted);
                for timer in &r.callbacks {
                    let Some(op) = r.operation(&timer.operation_id) else {
                        continue;
                    };
                    let id = op.callback_details.as_ref().and_then(|d| d.callback_id.clone());
                    let Some(callback_id) = id.filter(|id| !scripted.contains(id)) else {
                        continue;
                    };
                    let parent_name = op
                        .parent_id
                        .as_deref()
                        .and_then(|p| r.operation(p))
                        .and_then(|p| p.name.clone());
                    open.push(PendingCallback {
                        name: op
                            .name
                            .clone()
                            .or(parent_name)
                            .unwrap_or_else(|| ("-".to_owned().to_string()).into())
                            .to_string(),
                        callback_id,
                        execution_arn: r.arn.clone(),
                    });
                }
            });
        }
        open
    }

    /// Waits for the test's next action.
    async fn hold(&self, epoch: u64) {
        self.publish(Phase::Idle { epoch });
        self.wake.notified().await;
        self.publish(Phase::Busy);
    }

    /// Lets virtual time pass until `t`, within the test's hold.
    async fn pass_time_until(&self, t: i64) -> Result<(), EngineError> {
        while self.now_ms() < t {
            match self.decide(self.gate(), Some(t))? {
                Permit::Go(to) => {
                    self.engine.clock().advance_to(to.min(t));
                }
                Permit::Hold(epoch) => self.hold(epoch).await,
                Permit::Done => break,
            }
        }
        Ok(())
    }

    /// Answers the chained invokes execution `arn` started: a mock, a registered target (a
    /// workflow runs as an execution of its own, driven like this one), or "not found";
    /// records each call and its outcome on the caller. Returns whether there were any.
    async fn run_pending_invokes(&self, arn: &str) -> Result<bool, EngineError> {
        let store = self.engine.store().clone();
        let mut pending = Vec::new();
        let mut names: Vec<Option<String>> = Vec::new();
        store.update(arn, &mut |record| {
            pending = std::mem::take(&mut record.pending_invokes);
            names = pending
                .iter()
                .map(|p| {
                    record
                        .operation(&p.operation_id)
                        .and_then(|o| o.name.as_deref().map(str::to_owned))
                })
                .collect();
        })?;
        let any = !pending.is_empty();
        for (invoke, operation_name) in pending.into_iter().zip(names) {
            let input = match invoke.input.as_deref().map(serde_json::from_str).transpose() {
                Ok(v) => v.unwrap_or(serde_json::Value::Null),
                Err(e) => serde_json::Value::String(format!("unparsable input: {e}")),
            };
            let mock = self.invokes.mock(
                operation_name.as_deref(),
                &invoke.function_name,
                &mut lock(&self.mock_calls),
            );
            let mut execution = None;
            let (target, outcome): (InvokeTarget, Result<Option<String>, ErrorObject>) = match mock {
                Some(MockOutcome::Succeed(v)) => (InvokeTarget::Mock, Ok(Some(v.to_string()))),
                Some(MockOutcome::Fail(e)) => (InvokeTarget::Mock, Err(e)),
                None => match self.invokes.target(&invoke.function_name) {
                    None => (
                        InvokeTarget::Missing,
                        Err(service::function_not_found(&invoke.function_name)),
                    ),
                    Some(Target::Plain(f)) => (
                        InvokeTarget::Function,
                        f(input.clone()).map(|v| Some(v.to_string())),
                    ),
                    Some(Target::Durable(workflow)) => {
                        let child = self
                            .drive_child(workflow, invoke.execution_arn.clone(), invoke.input.clone())
                            .await?;
                        let outcome = service::invoked_execution_outcome(&child);
                        execution = Some(Box::new(child));
                        (InvokeTarget::Workflow, outcome)
                    }
                },
            };
            lock(&self.calls).push(InvokeCall {
                caller_arn: arn.to_owned(),
                operation_id: invoke.operation_id.clone(),
                operation_name,
                function_name: invoke.function_name.clone(),
                input,
                target,
                outcome: outcome.clone().map(|r| {
                    r.and_then(|text| serde_json::from_str(&text).ok())
                        .unwrap_or(serde_json::Value::Null)
                }),
                execution,
            });
            let now = EpochMillis(self.now_ms());
            store.update(arn, &mut |record| {
                service::complete_invoke(record, &invoke.operation_id, outcome.clone(), now)
            })?;
            self.publish(Phase::Busy);
        }
        Ok(any)
    }

    /// Runs an invoked workflow as an execution of its own (boxed: targets may invoke).
    fn drive_child<'a>(
        &'a self,
        workflow: Arc<RegisteredWorkflow>,
        arn: String,
        input: Option<String>,
    ) -> BoxFuture<'a, Result<ExecutionRecord, EngineError>> {
        Box::pin(async move {
            let arn = self
                .engine
                .start_execution_at(arn, workflow.name(), input.as_deref())?;
            self.drive(&workflow, &arn).await
        })
    }
}
