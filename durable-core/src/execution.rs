//! The state one invocation shares between the workflow's durable futures and the driver:
//! recorded operations, the checkpoint queue with its acknowledgements, and the counters that
//! tell the driver when the workflow can only make progress after a suspension.
//!
//! Everything runs in one task, so a `std::sync::Mutex` (never held across an await) is
//! enough; durable futures park by registering the task's waker and are woken whenever the
//! state changes (a checkpoint acknowledged, operations merged, a fatal error).

use crate::checkpoint::{BoxFuture, CheckpointClient};
use crate::config::ExecutionConfig;
use crate::error::{describe, DurableError, NonDeterminism};
use crate::id::OperationPath;
use crate::wire::{
    CheckpointResponse, ContextDetails, EpochMillis, Operation, OperationAction, OperationStatus,
    OperationType, OperationUpdate, SharedStr, StepDetails,
};
use std::collections::{HashSet, VecDeque};
use std::panic::Location;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

mod op_map;
pub(crate) use op_map::OpMap;

/// Identity of one operation as the code creates it.
#[derive(Clone, Debug)]
pub(crate) struct OpIdentity {
    pub path: OperationPath,
    /// Its position (1-based) among the operations of its context: the last part of `path`.
    pub index: u64,
    pub id: SharedStr,
    pub parent_id: Option<SharedStr>,
    pub name: Option<SharedStr>,
    pub op_type: OperationType,
    pub sub_type: &'static str,
    /// The call that created it (for the replay checker's reports; a pointer, so free).
    pub location: &'static Location<'static>,
}

impl OpIdentity {
    /// An update for this operation carrying all identity fields (the SDKs resend name,
    /// sub-type and parent on every update).
    pub fn update(&self, action: OperationAction) -> OperationUpdate {
        let mut u = OperationUpdate::new(self.id.clone(), self.op_type, action);
        u.parent_id = self.parent_id.clone();
        u.name = self.name.clone();
        u.sub_type = Some(self.sub_type.into());
        u
    }

    /// What plugin hooks see of this operation.
    pub fn info<'a>(&'a self, arn: &'a str) -> crate::plugin::OperationInfo<'a> {
        crate::plugin::OperationInfo {
            execution_arn: arn,
            operation_id: &self.id,
            name: self.name.as_deref(),
            operation_type: self.op_type,
            sub_type: Some(self.sub_type),
            parent_id: self.parent_id.as_deref(),
        }
    }

    /// A label for error messages.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("`{n}` ({})", self.path),
            None => format!("at position {}", self.path),
        }
    }
}

pub(crate) struct State {
    pub ops: OpMap,
    pub token: Option<String>,
    pub queue: VecDeque<(u64, OperationUpdate)>,
    next_seq: u64,
    acked_seq: u64,
    /// Step bodies currently executing user code.
    pub running: usize,
    /// Durable futures parked until the service changes an operation.
    pub blocked: usize,
    waiters: Vec<Waker>,
    pub fatal: Option<DurableError>,
    /// True while the code is re-running operations that history already holds.
    pub replaying: bool,
    /// The service revoked the token or the execution completed: no more checkpoints.
    pub closed: bool,
    /// For the replay checker (a real run being traced): each record as the workflow code
    /// last read it, while the service changed it since without our doing (a callback
    /// answered, a timer fired mid-invocation). The shadow replay must see what this run saw.
    observed: Option<OpMap>,
}

impl State {
    /// Notes that workflow code read `op` as it is now.
    fn observe(&mut self, op: &Arc<Operation>) {
        if let Some(observed) = &mut self.observed {
            observed.insert(op.clone());
        }
    }
}

/// One invocation's shared engine state.
pub(crate) struct Execution {
    pub arn: String,
    pub client: Arc<dyn CheckpointClient>,
    pub config: ExecutionConfig,
    state: Mutex<State>,
    /// Set for a shadow replay (see [`crate::shadow`]).
    shadow: Option<Shadow>,
}

/// What a shadow replay needs besides the records: it must never run a step body nor
/// checkpoint, so it stops where a live run would do either.
pub(crate) struct Shadow {
    /// Contexts the real invocation entered: their bodies run here too (aside), even when
    /// their records are complete, so that what they ask is compared.
    /// `None`: every completed context (replaying a recorded history).
    pub reenter: Option<HashSet<OperationPath>>,
    /// Bodies started aside and not yet handed to the shadow driver.
    pub aside: Mutex<Vec<BoxFuture<'static, ()>>>,
}

impl Execution {
    pub fn new(
        arn: String,
        token: String,
        ops: OpMap,
        client: Arc<dyn CheckpointClient>,
        config: ExecutionConfig,
    ) -> Self {
        let replaying = ops.values().any(|o| o.operation_type != OperationType::Execution);
        Self::with_records(arn, Some(token), ops, client, config, replaying, None)
    }

    /// The execution of a shadow replay over the records a real invocation left.
    pub fn shadow(
        arn: String,
        ops: OpMap,
        client: Arc<dyn CheckpointClient>,
        config: ExecutionConfig,
        reenter: Option<HashSet<OperationPath>>,
    ) -> Self {
        let replaying = ops.values().any(|o| o.operation_type != OperationType::Execution);
        let shadow = Shadow {
            reenter,
            aside: Mutex::new(Vec::new()),
        };
        Self::with_records(arn, None, ops, client, config, replaying, Some(shadow))
    }

    fn with_records(
        arn: String,
        token: Option<String>,
        ops: OpMap,
        client: Arc<dyn CheckpointClient>,
        config: ExecutionConfig,
        replaying: bool,
        shadow: Option<Shadow>,
    ) -> Self {
        let observed = (config.trace.is_some() && shadow.is_none()).then(OpMap::default);
        Execution {
            arn,
            client,
            config,
            state: Mutex::new(State {
                ops,
                token,
                queue: VecDeque::new(),
                next_seq: 1,
                acked_seq: 0,
                running: 0,
                blocked: 0,
                waiters: Vec::new(),
                fatal: None,
                replaying,
                closed: false,
                observed,
            }),
            shadow,
        }
    }

    /// The trace recorder, when the replay checker records this run.
    pub fn tracer(&self) -> Option<&crate::trace::TraceRecorder> {
        self.config.trace.as_deref()
    }

    /// Records what the code asks for operation `id` (only built when recording).
    pub fn trace_request(&self, id: &str, request: impl FnOnce() -> crate::trace::Request) {
        if let Some(t) = self.tracer() {
            t.request(id, request());
        }
    }

    /// Moves the records out for the replay checker's shadow replay: each as this run last
    /// observed it, so a change the run never saw (a callback answered after the code last
    /// looked) does not make the replay take another path.
    pub fn take_records(&self) -> OpMap {
        let mut st = self.lock();
        let mut ops = std::mem::take(&mut st.ops);
        for seen in st.observed.take().unwrap_or_default().into_values() {
            ops.insert(seen);
        }
        ops
    }

    /// In a shadow replay, runs the body `start` makes aside if the real invocation entered
    /// the context `op` (its record is complete: the caller returns the recorded outcome).
    pub fn replay_aside<F>(&self, op: &OpIdentity, start: impl FnOnce() -> F)
    where
        F: std::future::Future + Send + 'static,
    {
        if let Some(shadow) = self
            .shadow
            .as_ref()
            .filter(|s| s.reenter.as_ref().is_none_or(|r| r.contains(&op.path)))
        {
            let body = start();
            let body: BoxFuture<'static, ()> = Box::pin(async move {
                let _ = body.await;
            });
            shadow.aside.lock().unwrap_or_else(|p| p.into_inner()).push(body);
        }
    }

    /// The bodies started aside since the last call.
    pub fn take_aside(&self) -> Vec<BoxFuture<'static, ()>> {
        self.shadow.as_ref().map_or_else(Vec::new, |s| {
            std::mem::take(&mut *s.aside.lock().unwrap_or_else(|p| p.into_inner()))
        })
    }

    /// Before a step body or a wait-for-condition check runs: a shadow replay stops here for
    /// good (only a live run may run user side effects); a live run goes on at once.
    pub async fn before_body(&self, id: &str) -> Result<(), DurableError> {
        if self.shadow.is_some() {
            return Err(self.stop_here(id).await);
        }
        Ok(())
    }

    /// Parks for good, counted as blocked so the driver sees the run stopped; resolves only
    /// with a fatal error.
    async fn stop_here(&self, id: &str) -> DurableError {
        match self.wait_for(id, |_| false).await {
            Err(e) => e,
            Ok(_) => DurableError::Suspended,
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock means a panic while holding it; the data is a plain map and queue
        // whose invariants hold between statements, so carrying on is sound.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a fatal error (the first one wins) and wakes every parked future.
    pub fn set_fatal(&self, error: DurableError) -> DurableError {
        let mut st = self.lock();
        if st.fatal.is_none() {
            st.fatal = Some(error.clone());
        }
        wake_all(&mut st);
        error
    }

    pub fn fatal(&self) -> Option<DurableError> {
        self.lock().fatal.clone()
    }

    pub fn is_replaying(&self) -> bool {
        self.lock().replaying
    }

    /// Whether history holds a record with wire id `id`.
    pub fn has_record(&self, id: &str) -> bool {
        self.lock().ops.contains_key(id)
    }

    /// Looks up the record of `op`, checking that history recorded the same kind of operation
    /// at that position. A mismatch is fatal.
    pub fn lookup(&self, op: &OpIdentity) -> Result<Option<Arc<Operation>>, DurableError> {
        let mut st = self.lock();
        if let Some(f) = &st.fatal {
            return Err(f.clone());
        }
        let Some(rec) = st.ops.get(&op.id) else {
            st.replaying = false;
            return Ok(None);
        };
        let same_name = none_if_empty(rec.name.as_deref()) == none_if_empty(op.name.as_deref());
        let same_sub = none_if_empty(rec.sub_type.as_deref()) == Some(op.sub_type);
        let same_parent = rec.parent_id.as_deref() == op.parent_id.as_deref();
        if rec.operation_type == op.op_type && same_name && same_sub && same_parent {
            let rec = rec.clone();
            st.observe(&rec);
            return Ok(Some(rec));
        }
        let error = DurableError::NonDeterministic(Box::new(NonDeterminism {
            position: op.path.to_string(),
            id: op.id.to_string(),
            expected: describe(
                op.op_type,
                op.name.as_deref(),
                Some(op.sub_type),
                op.parent_id.as_deref(),
            ),
            actual: describe(
                rec.operation_type,
                rec.name.as_deref(),
                rec.sub_type.as_deref(),
                rec.parent_id.as_deref(),
            ),
        }));
        drop(st);
        Err(self.set_fatal(error))
    }

    /// Queues an update; returns its sequence number for [`Execution::acknowledged`].
    pub fn enqueue(&self, update: OperationUpdate) -> Result<u64, DurableError> {
        let mut st = self.lock();
        if let Some(f) = &st.fatal {
            return Err(f.clone());
        }
        if st.closed {
            return Err(DurableError::Suspended);
        }
        if self.shadow.is_some() {
            // Nothing is sent; `checkpoint` never waits for this sequence number.
            return Ok(u64::MAX);
        }
        let seq = st.next_seq;
        st.next_seq += 1;
        st.queue.push_back((seq, update));
        wake_all(&mut st);
        Ok(seq)
    }

    /// Whether the update with sequence `seq` has been acknowledged by the service.
    fn poll_acknowledged(&self, seq: u64, cx: &mut Context<'_>) -> Poll<Result<(), DurableError>> {
        let mut st = self.lock();
        if st.acked_seq >= seq {
            return Poll::Ready(Ok(()));
        }
        if let Some(f) = &st.fatal {
            return Poll::Ready(Err(f.clone()));
        }
        if st.closed {
            return Poll::Ready(Err(DurableError::Suspended));
        }
        register(&mut st, cx);
        Poll::Pending
    }

    /// Queues an update and waits for its acknowledgement. A shadow replay sends nothing: an
    /// update the real invocation already made (the record is complete) counts as done, any
    /// other stops the replay here.
    ///
    /// The update is queued (or, in a shadow replay, judged) when this is called, not when the
    /// future is first polled: every caller awaits it at once, and the future then holds a
    /// sequence number instead of the whole update, which keeps the futures of every durable
    /// operation (boxed per operation) small.
    pub fn checkpoint(&self, update: OperationUpdate) -> Checkpointed<'_> {
        let state = if self.shadow.is_some() {
            let mut st = self.lock();
            if let Some(f) = &st.fatal {
                Checkpointed::done(Err(f.clone()))
            } else if st.ops.get(&update.id).is_some_and(|r| r.status.is_terminal()) {
                Checkpointed::done(Ok(()))
            } else {
                let id = update.id;
                let stop: BoxFuture<'_, DurableError> = Box::pin(async move { self.stop_here(&id).await });
                CheckpointState::Stop(stop)
            }
        } else {
            match self.enqueue(update) {
                Ok(seq) => CheckpointState::Ack(seq),
                Err(e) => Checkpointed::done(Err(e)),
            }
        };
        Checkpointed { exec: self, state }
    }

    /// Parks until the record of `id` satisfies `ready`. While parked the future counts as
    /// *blocked*: if nothing else can make progress, the driver suspends the invocation.
    pub async fn wait_for(
        &self,
        id: &str,
        ready: impl Fn(&Operation) -> bool,
    ) -> Result<Arc<Operation>, DurableError> {
        let mut guard = BlockedGuard {
            exec: self,
            counted: false,
        };
        std::future::poll_fn(|cx| {
            let mut st = self.lock();
            if let Some(f) = &st.fatal {
                return Poll::Ready(Err(f.clone()));
            }
            let current = st.ops.get(id).cloned();
            if let Some(op) = &current {
                st.observe(op);
            }
            if let Some(op) = current.filter(|op| ready(op)) {
                if guard.counted {
                    st.blocked -= 1;
                    guard.counted = false;
                }
                return Poll::Ready(Ok(op));
            }
            if !guard.counted {
                st.blocked += 1;
                guard.counted = true;
            }
            register(&mut st, cx);
            Poll::Pending
        })
        .await
    }

    /// Deserializes `payload` of operation `op` with `serdes`; a failure is fatal (the same
    /// payload fails on every replay).
    /// Serializes `value` for `op`'s record; a failure is fatal.
    pub fn encode<T>(
        &self,
        op: &OpIdentity,
        serdes: &dyn crate::serdes::Serdes<T>,
        value: &T,
    ) -> Result<String, DurableError> {
        let cx = crate::serdes::SerdesContext {
            operation_id: &op.id,
            durable_execution_arn: &self.arn,
        };
        serdes.serialize(value, cx).map_err(|message| {
            self.set_fatal(DurableError::Serdes {
                operation: op.label(),
                message,
            })
        })
    }

    pub fn decode<T>(
        &self,
        op: &OpIdentity,
        serdes: &dyn crate::serdes::Serdes<T>,
        payload: Option<&str>,
    ) -> Result<T, DurableError> {
        let cx = crate::serdes::SerdesContext {
            operation_id: &op.id,
            durable_execution_arn: &self.arn,
        };
        serdes.deserialize(payload, cx).map_err(|message| {
            self.set_fatal(DurableError::Serdes {
                operation: op.label(),
                message,
            })
        })
    }

    /// Counts a step body as running for as long as the returned guard lives.
    pub fn running(&self) -> RunningGuard<'_> {
        let mut st = self.lock();
        st.running += 1;
        st.replaying = false;
        RunningGuard { exec: self }
    }

    /// Takes the next batch to send, if no call is in flight and the token is valid.
    pub fn take_batch(&self) -> Option<(String, u64, Vec<OperationUpdate>)> {
        let mut st = self.lock();
        // After a fatal error nothing new is queued (`enqueue` refuses), but what was queued
        // before it still goes out: the driver waits for an empty queue before it reports
        // the failure, so holding the queue back here would hang the invocation.
        if st.queue.is_empty() || st.closed {
            return None;
        }
        // The token is single-use: the response brings the next one (or none), and no other
        // batch is taken while this one is in flight, so it is moved out, not copied.
        let token = st.token.take()?;
        let n = crate::checkpoint::batch_len(st.queue.iter().map(|(_, u)| u));
        let mut last = 0;
        // Exactly `n` (collecting would round a small batch up to 4 updates, a block of
        // over 1 KiB that glibc serves on its slow path).
        let mut batch = Vec::with_capacity(n);
        batch.extend(st.queue.drain(..n).map(|(seq, u)| {
            last = seq;
            u
        }));
        Some((token, last, batch))
    }

    /// Applies a successful checkpoint response: our own updates first (so local state is
    /// right even if the service omits an operation), then the service's view, which wins.
    pub fn acknowledge(&self, last_seq: u64, sent: &[OperationUpdate], response: CheckpointResponse) {
        let now = EpochMillis(self.config.clock.now_millis());
        let mut st = self.lock();
        let plugins = &self.config.plugins;
        // Hook events: operations first started, and operations we finished, in batch order.
        // Which updates started an operation is only known before they apply: noted by
        // position (a bit each for the first 64, the common case, which allocates nothing).
        // Which ones finished one follows from the update alone.
        let mut started_bits = 0u64;
        let mut started_more = Vec::new();
        // Operations the response carries replace whatever we would derive locally, so only
        // the others are derived (the local service returns every operation it changed).
        let returned: &[Arc<Operation>] = response
            .new_execution_state
            .as_ref()
            .map_or(&[], |p| p.operations.as_slice());
        let returned_ids: Option<std::collections::HashSet<&str>> =
            (returned.len() > 16).then(|| returned.iter().map(|o| &*o.id).collect());
        let is_returned = |id: &str| match &returned_ids {
            Some(set) => set.contains(id),
            None => returned.iter().any(|o| &*o.id == id),
        };
        for (i, u) in sent.iter().enumerate() {
            // Our own update: the replay sees the record as it is after it.
            if let Some(observed) = &mut st.observed {
                observed.remove(&u.id);
            }
            if !plugins.is_empty()
                && u.operation_type != OperationType::Execution
                && u.action == OperationAction::Start
                && !st.ops.contains_key(&u.id)
            {
                if i < 64 {
                    started_bits |= 1 << i;
                } else {
                    started_more.push(i);
                }
            }
            if !is_returned(&u.id) {
                apply_locally(&mut st.ops, u, now);
            }
        }
        let completed_execution = sent.iter().any(|u| u.operation_type == OperationType::Execution);
        match response.checkpoint_token {
            Some(t) => st.token = Some(t),
            None => {
                // No token: the execution completed (we sent its EXECUTION update) or the
                // service revoked the token; either way nothing more may be checkpointed.
                st.token = None;
                st.closed = true;
                let _ = completed_execution;
            }
        }
        if let Some(page) = response.new_execution_state {
            for op in page.operations {
                upsert(&mut st.ops, op);
            }
        }
        st.acked_seq = st.acked_seq.max(last_seq);
        wake_all(&mut st);
        drop(st);
        if plugins.is_empty() {
            return;
        }
        let started = (0..sent.len().min(64))
            .filter(|i| started_bits & (1 << i) != 0)
            .chain(started_more);
        for i in started {
            let u = &sent[i];
            crate::plugin::notify(plugins, |p| p.on_operation_start(&operation_info(&self.arn, u)));
        }
        for u in sent {
            if u.operation_type == OperationType::Execution {
                continue;
            }
            let status = match u.action {
                OperationAction::Succeed => OperationStatus::Succeeded,
                OperationAction::Fail => OperationStatus::Failed,
                _ => continue,
            };
            crate::plugin::notify(plugins, |p| {
                p.on_operation_end(&operation_info(&self.arn, u), status, u.error.as_ref())
            });
        }
    }

    /// Merges a page fetched after a checkpoint response announced more.
    pub fn merge(&self, operations: Vec<Arc<Operation>>) {
        let mut st = self.lock();
        for op in operations {
            upsert(&mut st.ops, op);
        }
        wake_all(&mut st);
    }

    pub fn queue_is_idle(&self) -> bool {
        self.lock().queue.is_empty()
    }
}

pub(crate) struct BlockedGuard<'a> {
    exec: &'a Execution,
    counted: bool,
}

impl Drop for BlockedGuard<'_> {
    fn drop(&mut self) {
        if self.counted {
            self.exec.lock().blocked -= 1;
        }
    }
}

pub(crate) struct RunningGuard<'a> {
    exec: &'a Execution,
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        let mut st = self.exec.lock();
        st.running -= 1;
        wake_all(&mut st);
    }
}

/// The acknowledgement of one checkpointed update ([`Execution::checkpoint`]): a few words,
/// since every durable operation's (boxed) future holds one across its await.
#[must_use = "a checkpoint is only known to be recorded once this resolves"]
pub(crate) struct Checkpointed<'a> {
    exec: &'a Execution,
    state: CheckpointState<'a>,
}

enum CheckpointState<'a> {
    /// Waiting for the service to acknowledge sequence number `0`.
    Ack(u64),
    /// Decided when queued (an error is rare: boxed).
    Done(Option<Result<(), Box<DurableError>>>),
    /// A shadow replay stops here for good (resolves only with a fatal error).
    Stop(BoxFuture<'a, DurableError>),
}

impl Checkpointed<'_> {
    fn done(result: Result<(), DurableError>) -> CheckpointState<'static> {
        CheckpointState::Done(Some(result.map_err(Box::new)))
    }
}

impl std::future::Future for Checkpointed<'_> {
    type Output = Result<(), DurableError>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let exec = self.exec;
        match &mut self.state {
            CheckpointState::Ack(seq) => exec.poll_acknowledged(*seq, cx),
            CheckpointState::Done(result) => Poll::Ready(
                result
                    .take()
                    .expect("a checkpoint future polled after it resolved")
                    .map_err(|e| *e),
            ),
            CheckpointState::Stop(stop) => stop.as_mut().poll(cx).map(Err),
        }
    }
}

fn register(st: &mut State, cx: &mut Context<'_>) {
    if !st.waiters.iter().any(|w| w.will_wake(cx.waker())) {
        st.waiters.push(cx.waker().clone());
    }
}

pub(crate) fn wake_all(st: &mut State) {
    for w in st.waiters.drain(..) {
        w.wake();
    }
}

fn none_if_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// Inserts or replaces the record of `op`.
fn upsert(ops: &mut OpMap, op: Arc<Operation>) {
    ops.insert(op);
}

/// What the service will have recorded after `u`, for operations the response omits.
fn apply_locally(ops: &mut OpMap, u: &OperationUpdate, now: EpochMillis) {
    if u.operation_type == OperationType::Execution {
        return;
    }
    if !ops.contains_key(&u.id) {
        let mut op = Operation::new(u.id.clone(), u.operation_type, OperationStatus::Started);
        op.parent_id = u.parent_id.clone();
        op.name = u.name.clone();
        op.sub_type = u.sub_type.clone();
        op.start_timestamp = Some(now);
        ops.insert(Arc::new(op));
    }
    ops.modify(&u.id, |op| apply_to(op, u, now));
}

fn apply_to(op: &mut Operation, u: &OperationUpdate, now: EpochMillis) {
    match (u.operation_type, u.action) {
        (OperationType::Step, action) => {
            let d = op.step_details.get_or_insert_with(StepDetails::default);
            match action {
                OperationAction::Start => op.status = OperationStatus::Started,
                OperationAction::Succeed => {
                    op.status = OperationStatus::Succeeded;
                    d.result = u.payload.clone();
                    d.attempt = d.attempt.saturating_add(1);
                }
                OperationAction::Fail => {
                    op.status = OperationStatus::Failed;
                    d.error = u.error.clone();
                    d.attempt = d.attempt.saturating_add(1);
                }
                OperationAction::Retry => {
                    op.status = OperationStatus::Pending;
                    d.error = u.error.clone();
                    if u.payload.is_some() {
                        d.result = u.payload.clone();
                    }
                    d.attempt = d.attempt.saturating_add(1);
                }
                OperationAction::Cancel => {}
            }
        }
        (OperationType::Context, action) => {
            let d = op.context_details.get_or_insert_with(ContextDetails::default);
            match action {
                OperationAction::Succeed => {
                    op.status = OperationStatus::Succeeded;
                    d.result = u.payload.clone();
                    d.replay_children = u.context_options.as_ref().and_then(|o| o.replay_children);
                }
                OperationAction::Fail => {
                    op.status = OperationStatus::Failed;
                    d.error = u.error.clone();
                }
                _ => {}
            }
        }
        (OperationType::Wait, OperationAction::Cancel) => op.status = OperationStatus::Cancelled,
        _ => {}
    }
    if op.status.is_terminal() && op.end_timestamp.is_none() {
        op.end_timestamp = Some(now);
    }
}

fn operation_info<'a>(arn: &'a str, u: &'a OperationUpdate) -> crate::plugin::OperationInfo<'a> {
    crate::plugin::OperationInfo {
        execution_arn: arn,
        operation_id: &u.id,
        name: u.name.as_deref(),
        operation_type: u.operation_type,
        sub_type: u.sub_type.as_deref(),
        parent_id: u.parent_id.as_deref(),
    }
}
