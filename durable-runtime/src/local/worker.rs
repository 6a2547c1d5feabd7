//! The worker: runs a [`LocalEngine`]'s executions for real on one machine.
//!
//! Each tick it looks at every running execution in the store, fires the timers that are due
//! (waits, step retries, callback timeouts), starts the targets of chained invokes and records
//! their outcomes, and invokes every execution that has something new to react to — at most
//! `max_concurrency` at once, each invocation in its own task. Answers that arrive from
//! another process (the CLI answering a callback) are picked up on the next tick. Because
//! everything the worker knows is in the store, a worker killed at any point resumes where
//! the store says on restart.
//!
//! With the engine's [`EngineOptions::replay_check`](super::EngineOptions::replay_check)
//! (`durable worker --replay-check`, for staging), every invocation is replayed a second time
//! and compared: an execution whose replay diverges fails with error type
//! `ReplayDivergence` (its message is the report) and the report is printed on stderr.

use super::service;
use super::store::ExecutionRecord;
use super::{EngineError, LocalEngine};
use durable_core::wire::{EpochMillis, ErrorObject, EventDetails};
use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore};

/// Settings of a [`Worker`].
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// Most invocations running at once.
    pub max_concurrency: usize,
    /// How often to look for changes made by other processes.
    pub poll_interval: Duration,
    /// Delay before re-invoking after a failed (crashed) invocation.
    pub retry_delay: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            max_concurrency: 64,
            poll_interval: Duration::from_millis(200),
            retry_delay: Duration::from_secs(1),
        }
    }
}

/// What one tick found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Executions invoked.
    pub invoked: usize,
    /// Executions still running.
    pub running: usize,
    /// When the next timer (or crash retry) is due, if any.
    pub next_timer: Option<EpochMillis>,
    /// Whether the tick changed anything besides starting invocations (timers fired,
    /// invoke targets started or finished).
    pub progressed: bool,
}

/// Runs executions of a [`LocalEngine`] until told to stop.
pub struct Worker {
    engine: Arc<LocalEngine>,
    options: WorkerOptions,
    in_flight: Arc<Mutex<HashSet<String>>>,
    permits: Arc<Semaphore>,
    wake: Arc<Notify>,
}

impl Worker {
    /// A worker for `engine` (register its workflows on the engine first).
    pub fn new(engine: Arc<LocalEngine>, options: WorkerOptions) -> Self {
        let permits = Arc::new(Semaphore::new(options.max_concurrency.max(1)));
        Worker {
            engine,
            options,
            in_flight: Arc::new(Mutex::new(HashSet::new())),
            permits,
            wake: Arc::new(Notify::new()),
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Arc<LocalEngine> {
        &self.engine
    }

    /// Runs until `shutdown` resolves, then waits for the invocations in flight to finish
    /// (their checkpoints are in the store; nothing is lost).
    pub async fn run_until(&self, shutdown: impl Future<Output = ()>) -> Result<(), EngineError> {
        tokio::pin!(shutdown);
        loop {
            let report = self.tick().await?;
            let now = self.engine.clock().now_ms();
            let poll = i64::try_from(self.options.poll_interval.as_millis()).unwrap_or(i64::MAX);
            let until = report.next_timer.map_or(now + poll, |t| t.0.min(now + poll));
            let sleep = Duration::from_millis(u64::try_from((until - now).max(1)).unwrap_or(1));
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(sleep) => {}
                () = self.wake.notified() => {}
                () = self.engine.changed() => {}
            }
        }
        self.drain().await;
        Ok(())
    }

    /// Runs until every execution in the store has ended or waits on something only the
    /// outside world can deliver and no timer is pending (tests, one-shot runs).
    pub async fn run_until_idle(&self) -> Result<(), EngineError> {
        loop {
            let report = self.tick().await?;
            if report.invoked == 0 && !report.progressed && self.in_flight_count() == 0 {
                match report.next_timer {
                    None => return Ok(()),
                    Some(t) => self.sleep_until(t.0).await,
                }
            } else {
                tokio::select! {
                    () = self.wake.notified() => {}
                    () = tokio::time::sleep(self.options.poll_interval) => {}
                }
            }
        }
    }

    /// Waits for the invocations in flight to finish.
    pub async fn drain(&self) {
        while self.in_flight_count() > 0 {
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(Duration::from_millis(20)) => {}
            }
        }
    }

    fn in_flight_count(&self) -> usize {
        self.in_flight.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    async fn sleep_until(&self, t: i64) {
        let clock = self.engine.clock();
        if !clock.advance_to(t) {
            let now = clock.now_ms();
            if t > now {
                tokio::time::sleep(Duration::from_millis(u64::try_from(t - now).unwrap_or(0))).await;
            }
        }
    }

    /// One pass over the store.
    pub async fn tick(&self) -> Result<TickReport, EngineError> {
        let store = self.engine.store().clone();
        let mut report = TickReport::default();
        for arn in store.list()? {
            if self
                .in_flight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(&arn)
            {
                report.running += 1;
                continue;
            }
            let now = EpochMillis(self.engine.clock().now_ms());
            let Some(mut glance) = self.glance(&arn, now)? else {
                continue;
            };
            report.running += 1;
            // An invocation is open that this worker did not start: the process that ran it
            // died (`kill -9`, power cut) before recording its end. Without this the execution
            // would wait forever for an invocation that no longer exists.
            let orphaned = glance.open_invocation && self.close_orphaned_invocation(&arn, now)?;
            if orphaned {
                report.progressed = true;
            }
            let timer_due = glance.next_timer.is_some_and(|t| t <= now);
            if timer_due {
                store.update(&arn, &mut |r| {
                    service::fire_timers(r, now);
                })?;
                report.progressed = true;
            }
            if glance.invokes {
                report.progressed |= self.advance_invokes(&arn)?;
            }
            // Something changed the record: look again.
            if orphaned || timer_due || glance.invokes {
                let Some(fresh) = self.glance(&arn, now)? else {
                    continue;
                };
                glance = fresh;
            }
            for t in [glance.next_timer, glance.retry_at].into_iter().flatten() {
                report.next_timer = Some(report.next_timer.map_or(t, |n: EpochMillis| n.min(t)));
            }
            if orphaned || glance.needs_invocation {
                self.spawn_invocation(arn, &glance.workflow)?;
                report.invoked += 1;
            }
        }
        Ok(report)
    }

    /// What the tick needs to know of a running execution (`None` once it ended), read
    /// without copying the record: a tick looks at every execution in the store.
    fn glance(&self, arn: &str, now: EpochMillis) -> Result<Option<Glance>, EngineError> {
        let retry_delay = self.options.retry_delay;
        let mut glance = None;
        self.engine.store().read(arn, &mut |record| {
            if record.status.is_terminal() {
                return;
            }
            glance = Some(Glance {
                workflow: record.workflow.clone(),
                open_invocation: record.token.is_some(),
                next_timer: service::next_timer(record),
                retry_at: retry_time(record, retry_delay),
                invokes: !record.pending_invokes.is_empty() || !record.awaiting_invokes.is_empty(),
                needs_invocation: needs_invocation(record, now, retry_delay),
            });
        })?;
        Ok(glance)
    }

    /// Records the end of an invocation a dead process left open (one `InvocationCompleted`
    /// with a `Runtime.WorkerLost` error, so every invocation has exactly one), and returns
    /// whether there was one. The loss is not held against the execution (it does not count
    /// towards [`EngineOptions::max_invocation_retries`](super::EngineOptions)): the worker
    /// died, not the function; it is invoked again at once (also by a later worker, should this
    /// one die before: see `last_invocation_lost`). Only one worker may run
    /// on a store (the CLI makes sure of it), so an open invocation that is not in flight here
    /// belongs to a dead one.
    fn close_orphaned_invocation(&self, arn: &str, now: EpochMillis) -> Result<bool, EngineError> {
        let mut closed = false;
        self.engine.store().update(arn, &mut |r| {
            closed = r.token.is_some() && !r.status.is_terminal();
            if !closed {
                return;
            }
            // When it started is not recorded: its last event is the latest time known alive.
            let start = r.events.last().map_or(r.start, |e| e.event_timestamp).min(now);
            let error = ErrorObject::new(
                WORKER_LOST,
                "the worker running this invocation stopped before the invocation ended",
            );
            let request_id = format!("{:032x}", fastrand::u128(..));
            service::invocation_completed(r, start, now, request_id, Some(error));
        })?;
        Ok(closed)
    }

    /// Starts the targets of new chained invokes and records the outcomes of finished ones;
    /// returns whether anything changed.
    fn advance_invokes(&self, arn: &str) -> Result<bool, EngineError> {
        let store = self.engine.store();
        // A pending invoke leaves `pending_invokes` in the same write that records where it
        // went (awaiting its target, or completed), never before: a worker killed in between
        // finds it still pending, and starting a durable target again is idempotent.
        let pending = store.get(arn)?.pending_invokes;
        let mut changed = !pending.is_empty();
        let now = EpochMillis(self.engine.clock().now_ms());
        for invoke in pending {
            let started = match self.engine.functions().get(&invoke.function_name) {
                Some(super::functions::Target::Durable(w)) => self
                    .engine
                    .start_execution_at(
                        invoke.execution_arn.clone(),
                        durable_core::Workflow::name(&*w),
                        invoke.input.as_deref(),
                    )
                    .map(|_| None),
                Some(super::functions::Target::Plain(f)) => {
                    let input = invoke
                        .input
                        .as_deref()
                        .and_then(|i| serde_json::from_str(i).ok())
                        .unwrap_or_default();
                    Ok(Some(f(input).map(|v| Some(v.to_string()))))
                }
                None => Ok(Some(Err(service::function_not_found(&invoke.function_name)))),
            };
            let take = |r: &mut ExecutionRecord| {
                let before = r.pending_invokes.len();
                r.pending_invokes
                    .retain(|p| p.operation_id != invoke.operation_id);
                r.pending_invokes.len() != before
            };
            match started {
                Ok(Some(outcome)) => store.update(arn, &mut |r| {
                    if take(r) {
                        service::complete_invoke(r, &invoke.operation_id, outcome.clone(), now);
                    }
                })?,
                // The target exists already: a restart after a crash between the two writes.
                Ok(None) | Err(EngineError::Store(super::StoreError::AlreadyExists(_))) => {
                    store.update(arn, &mut |r| {
                        if take(r) {
                            r.awaiting_invokes.push(invoke.clone());
                        }
                    })?;
                }
                Err(e) => return Err(e),
            }
        }
        let awaiting = store.get(arn)?.awaiting_invokes;
        for invoke in awaiting {
            let child = store.get(&invoke.execution_arn)?;
            if !child.status.is_terminal() {
                continue;
            }
            let outcome = service::invoked_execution_outcome(&child);
            store.update(arn, &mut |r| {
                r.awaiting_invokes
                    .retain(|a| a.operation_id != invoke.operation_id);
                service::complete_invoke(r, &invoke.operation_id, outcome.clone(), now);
            })?;
            changed = true;
        }
        Ok(changed)
    }

    fn spawn_invocation(&self, arn: String, workflow: &str) -> Result<(), EngineError> {
        let workflow = self
            .engine
            .workflow(workflow)
            .ok_or_else(|| EngineError::UnknownWorkflow(workflow.to_owned()))?;
        self.in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(arn.clone());
        let engine = self.engine.clone();
        let in_flight = self.in_flight.clone();
        let permits = self.permits.clone();
        let wake = self.wake.clone();
        tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            // A crashed invocation is recorded in the store and retried on a later tick; a
            // store failure is reported here and retried the same way.
            match engine.invoke(&workflow, &arn).await {
                Err(EngineError::ReplayDivergence(d)) => {
                    eprintln!("durable worker: execution {arn} failed: {d}");
                }
                Err(e) => eprintln!("durable worker: invoking {arn} failed: {e}"),
                Ok(_) => {}
            }
            in_flight.lock().unwrap_or_else(|p| p.into_inner()).remove(&arn);
            wake.notify_one();
        });
        Ok(())
    }
}

/// A running execution as a tick sees it.
struct Glance {
    workflow: String,
    /// An invocation is open (holds a checkpoint token).
    open_invocation: bool,
    /// The next timer (wait, retry, callback deadline), due or not.
    next_timer: Option<EpochMillis>,
    /// When a crashed invocation is retried.
    retry_at: Option<EpochMillis>,
    /// Chained invokes to start or to collect.
    invokes: bool,
    needs_invocation: bool,
}

/// When a crashed invocation is retried, if the last one crashed.
fn retry_time(record: &ExecutionRecord, retry_delay: Duration) -> Option<EpochMillis> {
    if record.failed_invocations == 0 || record.status.is_terminal() {
        return None;
    }
    let last = record
        .events
        .iter()
        .rev()
        .find(|e| e.event_type == "InvocationCompleted")?;
    let delay = i64::try_from(retry_delay.as_millis()).unwrap_or(0);
    Some(EpochMillis(last.event_timestamp.0 + delay))
}

/// The `error_type` of the `InvocationCompleted` a worker records for an invocation left open
/// by a dead worker.
const WORKER_LOST: &str = "Runtime.WorkerLost";

/// Whether the last invocation was lost with its worker and has not been retried yet (the
/// worker may die again between recording the loss and starting the retry: the history, not
/// the worker's memory, says a retry is due).
fn last_invocation_lost(record: &ExecutionRecord) -> bool {
    record.token.is_none()
        && record
            .events
            .iter()
            .rev()
            .find(|e| e.event_type == "InvocationCompleted")
            .is_some_and(|e| match &e.details {
                EventDetails::InvocationCompleted(d) => d
                    .error
                    .as_ref()
                    .and_then(|e| e.payload.as_ref())
                    .is_some_and(|p| p.error_type.as_deref() == Some(WORKER_LOST)),
                _ => false,
            })
}

/// Whether a running execution has something to react to.
fn needs_invocation(record: &ExecutionRecord, now: EpochMillis, retry_delay: Duration) -> bool {
    if record.status.is_terminal() {
        return false;
    }
    if record.invocations == 0 || !record.dirty.is_empty() || last_invocation_lost(record) {
        return true;
    }
    // Retry a crashed invocation after a delay, measured from its InvocationCompleted.
    retry_time(record, retry_delay).is_some_and(|t| t <= now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::{EngineOptions, ExecutionStatus, MemoryStore, VirtualClock};
    use durable_core::{workflow_fn, DurableContext, DurableError};

    fn engine() -> Arc<LocalEngine> {
        let engine = LocalEngine::new(
            Arc::new(MemoryStore::new()),
            Arc::new(VirtualClock::new()),
            EngineOptions::default(),
        );
        engine.register_workflow(workflow_fn(
            "two-steps",
            |ctx: DurableContext, _: ()| async move {
                let a: u32 = ctx.step("a", |_| async { Ok::<_, DurableError>(1) }).await?;
                let b: u32 = ctx.step("b", |_| async { Ok::<_, DurableError>(2) }).await?;
                Ok(a + b)
            },
        ));
        Arc::new(engine)
    }

    fn lost(record: &ExecutionRecord) -> usize {
        record
            .events
            .iter()
            .filter(|e| matches!(&e.details, EventDetails::InvocationCompleted(d) if d.error.is_some()))
            .count()
    }

    /// A worker killed after opening an invocation (as `invoke` records it) leaves it open:
    /// the next worker closes it and invokes again.
    #[tokio::test]
    async fn an_invocation_left_open_by_a_dead_worker_is_closed_and_retried() {
        let engine = engine();
        let arn = engine.start_execution("two-steps", None).unwrap();
        engine
            .store()
            .update(&arn, &mut |r| {
                r.invocations += 1;
                service::rotate_token(r);
                r.dirty.clear();
            })
            .unwrap();
        Worker::new(engine.clone(), WorkerOptions::default())
            .run_until_idle()
            .await
            .unwrap();
        let record = engine.store().get(&arn).unwrap();
        assert_eq!(record.status, ExecutionStatus::Succeeded, "{:?}", record.error);
        assert_eq!(record.invocations, 2);
        assert_eq!(lost(&record), 1);
        let completed = record
            .events
            .iter()
            .filter(|e| e.event_type == "InvocationCompleted")
            .count();
        assert_eq!(completed, 2);
    }

    /// Killed again between recording the loss and starting the retry: the history says a
    /// retry is due.
    #[tokio::test]
    async fn a_recorded_loss_is_retried_by_the_next_worker() {
        let engine = engine();
        let arn = engine.start_execution("two-steps", None).unwrap();
        engine
            .store()
            .update(&arn, &mut |r| {
                r.invocations += 1;
                service::rotate_token(r);
                r.dirty.clear();
            })
            .unwrap();
        let worker = Worker::new(engine.clone(), WorkerOptions::default());
        assert!(worker
            .close_orphaned_invocation(&arn, EpochMillis(engine.clock().now_ms()))
            .unwrap());
        assert!(last_invocation_lost(&engine.store().get(&arn).unwrap()));
        Worker::new(engine.clone(), WorkerOptions::default())
            .run_until_idle()
            .await
            .unwrap();
        let record = engine.store().get(&arn).unwrap();
        assert_eq!(record.status, ExecutionStatus::Succeeded, "{:?}", record.error);
        assert_eq!((record.invocations, lost(&record)), (2, 1));
    }
}
