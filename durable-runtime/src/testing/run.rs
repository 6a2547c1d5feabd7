//! A run the test holds: started with [`TestRunner::start`](super::TestRunner::start), it goes
//! on by itself while the test waits for operations, reads them, answers callbacks and lets
//! virtual time pass, and ends with [`TestRun::result`].

use super::attempts::selects;
use super::driver::{Phase, Run};
use super::result::TestResult;
use crate::local::{CallbackAnswer, EngineError, ExecutionRecord, ExecutionStatus, StoreError};
use durable_core::wire::{sub_type, ErrorObject, Operation, OperationStatus, OperationType};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How far an operation has come, for [`TestRun::wait_for_operation`]. Each state includes
/// the later ones: an operation that already completed has also started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperationState {
    /// The operation exists (it was checkpointed as started). For a callback, or a
    /// wait-for-callback, its callback id is known too.
    Started,
    /// Like [`OperationState::Started`]; for a wait-for-callback, its submitter has also
    /// succeeded (the callback id was handed off).
    Submitted,
    /// The operation ended: succeeded, failed, timed out, cancelled or stopped.
    Completed,
}

impl fmt::Display for OperationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OperationState::Started => "started",
            OperationState::Submitted => "submitted",
            OperationState::Completed => "completed",
        })
    }
}

/// An open callback the run waits on, that no script answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingCallback {
    /// The callback's name, or its wait-for-callback's (`-` if neither has one).
    pub name: String,
    /// Its id (answer it with [`TestRun::send_callback`]).
    pub callback_id: String,
    /// The execution it belongs to (the run's own, or an invoked workflow's).
    pub execution_arn: String,
}

/// Why a run cannot get somewhere by itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stalled {
    /// The execution ended, with this status.
    Finished(ExecutionStatus),
    /// The run waits for the test: nothing can happen before the deadline of these open
    /// callbacks, which no script answers (or they have no timeout).
    WaitingForTest {
        /// The open callbacks no script answers, in creation order.
        open_callbacks: Vec<PendingCallback>,
    },
}

impl fmt::Display for Stalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stalled::Finished(status) => write!(f, "the execution ended {}", status.as_str()),
            Stalled::WaitingForTest { open_callbacks } if open_callbacks.is_empty() => f.write_str(
                "the run is waiting for the test (advance time, answer a callback, or call result())",
            ),
            Stalled::WaitingForTest { open_callbacks } => {
                let names: Vec<String> = open_callbacks.iter().map(|c| format!("`{}`", c.name)).collect();
                write!(
                    f,
                    "the run is waiting for the test to answer callback {} (or to advance time, or call result())",
                    names.join(", ")
                )
            }
        }
    }
}

/// Misuse of a [`TestRun`], or a run that cannot do what the test waits for.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestRunError {
    /// [`TestRun::wait_for_operation`]: the operation did not get there, and the run cannot
    /// go on by itself.
    #[error("operation `{name}` was not {state} ({found} of {wanted} found): {why}")]
    NotReached {
        /// The operation name waited for.
        name: String,
        /// The state waited for.
        state: OperationState,
        /// How many operations of that name were waited for.
        wanted: usize,
        /// How many got there.
        found: usize,
        /// Why the run stopped.
        why: Stalled,
    },
    /// No open callback is named so (by its own name or its wait-for-callback's).
    #[error("no open callback named `{name}`: {}", match status {
        None => "no callback of that name was created".to_owned(),
        Some(s) => format!("it is {}", s.as_str()),
    })]
    NoOpenCallback {
        /// The name.
        name: String,
        /// The status of the callback of that name, if one exists.
        status: Option<OperationStatus>,
    },
    /// Several open callbacks have this name: answer one by id ([`TestRun::send_callback`]).
    #[error("{} open callbacks are named `{name}` ({}): answer one by id", callback_ids.len(), callback_ids.join(", "))]
    AmbiguousCallback {
        /// The name.
        name: String,
        /// Their callback ids, in creation order.
        callback_ids: Vec<String>,
    },
    /// The engine refused something or failed (the callback API's errors, a replay
    /// divergence, too many invocations, ...).
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The run's store failed (the in-memory store does not, short of a bug).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// [`TestRunner::start`](super::TestRunner::start) was called outside a Tokio runtime.
    #[error("TestRunner::start needs a Tokio runtime to run the workflow on")]
    NoRuntime,
}

/// An operation as a test sees it: the operation record (through `Deref`), and for a
/// callback or wait-for-callback the callback operation, whose id answers it.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationView {
    operation: Operation,
    callback: Option<Operation>,
    execution_arn: String,
}

impl std::ops::Deref for OperationView {
    type Target = Operation;

    fn deref(&self) -> &Operation {
        &self.operation
    }
}

impl OperationView {
    /// The operation record.
    pub fn operation(&self) -> &Operation {
        &self.operation
    }

    /// The CALLBACK operation: the operation itself, or the one its wait-for-callback created.
    pub fn callback(&self) -> Option<&Operation> {
        self.callback.as_ref()
    }

    /// The callback id to answer it with, once known.
    pub fn callback_id(&self) -> Option<&str> {
        self.callback
            .as_ref()?
            .callback_details
            .as_ref()?
            .callback_id
            .as_deref()
    }

    /// The execution the operation belongs to (the run's own, or an invoked workflow's).
    pub fn execution_arn(&self) -> &str {
        &self.execution_arn
    }

    /// The typed result of a succeeded operation (a step's, a child context's, a callback's,
    /// an invoke's); an error describing why there is none otherwise.
    pub fn output<T: DeserializeOwned>(&self) -> Result<T, String> {
        let op = &self.operation;
        match op.status {
            OperationStatus::Succeeded => serde_json::from_str(op.result().unwrap_or("null"))
                .map_err(|e| format!("the result does not fit the requested type: {e}")),
            status => Err(format!(
                "operation {:?} is {}{}",
                op.name.as_deref().unwrap_or(&op.id),
                status.as_str(),
                op.error().map_or_else(String::new, |e| format!(" ({e})"))
            )),
        }
    }

    /// The view of `op` of `record`, if it reached `state`.
    fn of(record: &ExecutionRecord, op: &Operation, state: OperationState) -> Option<OperationView> {
        let is_wait_for_callback = op.operation_type == OperationType::Context
            && op.sub_type.as_deref() == Some(sub_type::WAIT_FOR_CALLBACK);
        let children = || {
            record
                .operations
                .iter()
                .filter(|o| o.parent_id.as_deref() == Some(&*op.id))
        };
        let callback = match op.operation_type {
            OperationType::Callback => Some(op.clone()),
            _ if is_wait_for_callback => children()
                .find(|o| o.operation_type == OperationType::Callback)
                .map(|o| (**o).clone()),
            _ => None,
        };
        let done = op.status.is_terminal();
        let has_id = callback
            .as_ref()
            .and_then(|c| c.callback_details.as_ref())
            .is_some_and(|d| d.callback_id.is_some());
        let started =
            done || !(op.operation_type == OperationType::Callback || is_wait_for_callback) || has_id;
        let reached = match state {
            OperationState::Started => started,
            OperationState::Submitted if is_wait_for_callback => {
                done || (has_id
                    && children().any(|o| {
                        o.operation_type == OperationType::Step && o.status == OperationStatus::Succeeded
                    }))
            }
            OperationState::Submitted => started,
            OperationState::Completed => done,
        };
        reached.then(|| OperationView {
            operation: op.clone(),
            callback,
            execution_arn: record.arn.clone(),
        })
    }
}

/// A run in progress, held by the test. See [`TestRunner::start`](super::TestRunner::start).
///
/// **Time while the test holds a run.** The run moves virtual time by itself for waits,
/// retry delays, polls and scripted callback answers, but never up to the deadline (timeout
/// or heartbeat timeout) of an open callback that no script
/// ([`TestRunner::answer_callback`](super::TestRunner::answer_callback), ...) answers:
/// anything due at or after that deadline waits. When nothing else can happen first (or the
/// callback has no timeout), the run waits for the test, which may
/// * answer, fail or heartbeat the callback ([`TestRun::answer_callback`], ...);
/// * let time pass by hand ([`TestRun::advance`]): everything due in that span happens,
///   callback timeouts included;
/// * give time back ([`TestRun::result`]): the run then finishes exactly as
///   [`TestRunner::run`](super::TestRunner::run) would (an unanswered callback times out).
///
/// Callbacks of invoked workflows count too. The actions resolve once the run has done all
/// it can by itself (it waits for the test again, or finished), so what the test reads next
/// reflects them. Dropping a `TestRun` without calling [`TestRun::result`] stops the run.
pub struct TestRun {
    run: Arc<Run>,
    task: Option<JoinHandle<Result<ExecutionRecord, EngineError>>>,
}

impl TestRun {
    pub(crate) fn new(run: Arc<Run>, task: JoinHandle<Result<ExecutionRecord, EngineError>>) -> Self {
        TestRun {
            run,
            task: Some(task),
        }
    }

    /// The run's execution.
    pub fn execution_arn(&self) -> &str {
        &self.run.arn
    }

    /// The execution as it is now.
    pub fn record(&self) -> Result<ExecutionRecord, TestRunError> {
        Ok(self.run.engine.store().get(&self.run.arn)?)
    }

    /// The execution's status now.
    pub fn status(&self) -> Result<ExecutionStatus, TestRunError> {
        let mut status = ExecutionStatus::Running;
        self.run
            .engine
            .store()
            .read(&self.run.arn, &mut |r| status = r.status)?;
        Ok(status)
    }

    /// How much virtual time passed since the execution started.
    pub fn elapsed(&self) -> Duration {
        let mut start = self.run.now_ms();
        let _ = self
            .run
            .engine
            .store()
            .read(&self.run.arn, &mut |r| start = r.start.0);
        Duration::from_millis(u64::try_from(self.run.now_ms() - start).unwrap_or(0))
    }

    /// The first operation named `name` now (in the run's execution first, then in invoked
    /// workflows'), whatever its state.
    pub fn operation(&self, name: &str) -> Result<Option<OperationView>, TestRunError> {
        Ok(self.find(name, None)?.into_iter().next())
    }

    /// Waits until the run has done all it can by itself: it waits for the test, or finished.
    pub async fn settle(&self) {
        let epoch = self.run.gate().epoch;
        self.run.settled(epoch).await;
    }

    /// Waits until an operation named `name` (anywhere: in child contexts, map and parallel
    /// items, invoked workflows) reaches `state`, and returns it as it was then. `name` may
    /// be a path (`"review-all/map-item-1/approve"`, see [`TestResult::path_of`]) to address
    /// one operation among several of the same name.
    ///
    /// Never waits forever: if the execution ends, or the run waits for the test (see
    /// [`TestRun`]), before the operation gets there, it fails with
    /// [`TestRunError::NotReached`] saying which; if the engine failed, with
    /// [`TestRunError::Engine`].
    pub async fn wait_for_operation(
        &self,
        name: &str,
        state: OperationState,
    ) -> Result<OperationView, TestRunError> {
        let mut found = self.wait_for_operations(name, state, 1).await?;
        Ok(found.remove(0))
    }

    /// Like [`TestRun::wait_for_operation`], until `count` operations named `name` reached
    /// `state` (e.g. the callback of every map item); returns the first `count` in creation
    /// order.
    pub async fn wait_for_operations(
        &self,
        name: &str,
        state: OperationState,
        count: usize,
    ) -> Result<Vec<OperationView>, TestRunError> {
        let mut rx = self.run.progress.subscribe();
        loop {
            // The driver's phase first, then the records: if it waits for the test now, the
            // records cannot change before the test acts.
            let phase = rx.borrow_and_update().phase.clone();
            let epoch = self.run.gate().epoch;
            let mut found = self.find(name, Some(state))?;
            if found.len() >= count {
                found.truncate(count);
                return Ok(found);
            }
            let why = match phase {
                Phase::Finished(Some(error)) => return Err(TestRunError::Engine(error)),
                Phase::Finished(None) => Some(Stalled::Finished(self.status()?)),
                Phase::Idle { epoch: seen } if seen == epoch => Some(Stalled::WaitingForTest {
                    open_callbacks: self.run.unscripted_callbacks(),
                }),
                _ => None,
            };
            if let Some(why) = why {
                return Err(TestRunError::NotReached {
                    name: name.to_owned(),
                    state,
                    wanted: count,
                    found: found.len(),
                    why,
                });
            }
            if rx.changed().await.is_err() {
                return Err(TestRunError::NotReached {
                    name: name.to_owned(),
                    state,
                    wanted: count,
                    found: found.len(),
                    why: Stalled::Finished(self.status()?),
                });
            }
        }
    }

    /// Answers the open callback named `name` (its own name, or its wait-for-callback's; or a
    /// path, to pick one of several of the same name) with success `value` (sent as JSON),
    /// then lets the run go on until it waits for the test again or finishes.
    pub async fn answer_callback(&self, name: &str, value: serde_json::Value) -> Result<(), TestRunError> {
        let id = self.open_callback(name)?;
        self.send_callback(&id, CallbackAnswer::Succeed(Some(value.to_string())))
            .await
    }

    /// Fails the open callback named `name` with `error`, then lets the run go on.
    pub async fn fail_callback(&self, name: &str, error: ErrorObject) -> Result<(), TestRunError> {
        let id = self.open_callback(name)?;
        self.send_callback(&id, CallbackAnswer::Fail(error)).await
    }

    /// Sends a heartbeat to the open callback named `name`: its heartbeat deadline moves to
    /// now plus its heartbeat timeout.
    pub async fn heartbeat_callback(&self, name: &str) -> Result<(), TestRunError> {
        let id = self.open_callback(name)?;
        self.send_callback(&id, CallbackAnswer::Heartbeat).await
    }

    /// Sends `answer` to the callback with id `callback_id` (from
    /// [`OperationView::callback_id`]), as the `SendDurableExecutionCallback*` APIs do, then
    /// lets the run go on. The service's refusals are [`TestRunError::Engine`]
    /// ([`EngineError::Callback`]): an unknown id, a callback already closed.
    pub async fn send_callback(&self, callback_id: &str, answer: CallbackAnswer) -> Result<(), TestRunError> {
        self.run.engine.answer_callback(callback_id, answer)?;
        let epoch = self.run.act(|_| {});
        self.run.settled(epoch).await;
        Ok(())
    }

    /// Lets `by` of virtual time pass: everything due until then happens (timers, scripted
    /// answers, callback timeouts and missed heartbeats), then the run goes on by itself as
    /// before. Resolves once it waits for the test again or finished (at once if it already
    /// finished).
    pub async fn advance(&self, by: Duration) {
        let target = self
            .run
            .now_ms()
            .saturating_add(i64::try_from(by.as_millis()).unwrap_or(i64::MAX));
        let epoch = self.run.act(|gate| gate.limit = gate.limit.max(target));
        self.run.settled(epoch).await;
    }

    /// Gives time back and waits for the end: the run finishes as
    /// [`TestRunner::run`](super::TestRunner::run) would from here (an unanswered callback
    /// times out), and the outcome is the same [`TestResult`].
    pub async fn result(mut self) -> Result<TestResult, EngineError> {
        self.run.act(|gate| gate.released = true);
        let Some(task) = self.task.take() else {
            return Err(EngineError::NotRunning(self.run.arn.clone()));
        };
        match task.await {
            Ok(outcome) => self.run.result(outcome),
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Err(_) => Err(EngineError::NotRunning(self.run.arn.clone())),
        }
    }

    /// Operations named `name` that reached `state` (any state: `None`), the run's execution
    /// first, each in creation order.
    fn find(&self, name: &str, state: Option<OperationState>) -> Result<Vec<OperationView>, TestRunError> {
        let store = self.run.engine.store();
        let mut found = Vec::new();
        for arn in self.arns()? {
            store.read(&arn, &mut |r| {
                for op in r.operations.iter().filter(|o| selects(r, o, name)) {
                    let view = match state {
                        Some(state) => OperationView::of(r, op, state),
                        None => OperationView::of(r, op, OperationState::Started).or_else(|| {
                            Some(OperationView {
                                operation: (**op).clone(),
                                callback: None,
                                execution_arn: r.arn.clone(),
                            })
                        }),
                    };
                    found.extend(view);
                }
            })?;
        }
        Ok(found)
    }

    /// The run's executions: its own first, then invoked workflows' in start order.
    fn arns(&self) -> Result<Vec<String>, TestRunError> {
        let mut arns = self.run.engine.store().list()?;
        arns.retain(|a| *a != self.run.arn);
        arns.insert(0, self.run.arn.clone());
        Ok(arns)
    }

    /// The id of the one open callback named `name`.
    fn open_callback(&self, name: &str) -> Result<String, TestRunError> {
        let store = self.run.engine.store();
        let mut open = Vec::new();
        let mut status = None;
        for arn in self.arns()? {
            store.read(&arn, &mut |r| {
                for op in r
                    .operations
                    .iter()
                    .filter(|o| o.operation_type == OperationType::Callback)
                {
                    // The callback itself, or the wait-for-callback that created it.
                    let parent = op.parent_id.as_deref().and_then(|p| r.operation(p));
                    if !selects(r, op, name) && !parent.is_some_and(|p| selects(r, p, name)) {
                        continue;
                    }
                    let id = op.callback_details.as_ref().and_then(|d| d.callback_id.clone());
                    match id {
                        Some(id) if op.status == OperationStatus::Started && !r.status.is_terminal() => {
                            open.push(id)
                        }
                        _ => status = status.or(Some(op.status)),
                    }
                }
            })?;
        }
        match open.len() {
            1 => Ok(open.remove(0)),
            0 => Err(TestRunError::NoOpenCallback {
                name: name.to_owned(),
                status,
            }),
            _ => Err(TestRunError::AmbiguousCallback {
                name: name.to_owned(),
                callback_ids: open,
            }),
        }
    }
}

impl Drop for TestRun {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl fmt::Debug for TestRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestRun")
            .field("execution_arn", &self.run.arn)
            .finish_non_exhaustive()
    }
}
