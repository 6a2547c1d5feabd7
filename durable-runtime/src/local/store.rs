//! Where the local engine keeps executions: a small trait, and the in-memory store used by
//! tests and the test runner. (The embedded SQLite store implements the same trait.)

use durable_core::wire::{EpochMillis, ErrorObject, Event, Operation};
use durable_core::BoxFuture;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex};

/// Status of a whole execution (`GetDurableExecution`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionStatus {
    /// Started, suspended or being invoked.
    Running,
    /// Finished with a result.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Exceeded its execution timeout.
    TimedOut,
    /// Stopped by a user.
    Stopped,
}

impl ExecutionStatus {
    /// Whether the execution has ended.
    pub fn is_terminal(self) -> bool {
        self != ExecutionStatus::Running
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "RUNNING",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::TimedOut => "TIMED_OUT",
            Self::Stopped => "STOPPED",
        }
    }
}

/// Everything the service knows about one execution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExecutionRecord {
    /// `<execution name>/<invocation id>`-style identity; its last segment is the EXECUTION id.
    pub arn: String,
    /// The workflow (function) it runs.
    pub workflow: String,
    /// Overall status.
    pub status: ExecutionStatus,
    /// Input JSON text.
    pub input: Option<String>,
    /// Result JSON text once succeeded.
    pub result: Option<String>,
    /// Error once failed.
    pub error: Option<ErrorObject>,
    /// When it started.
    pub start: EpochMillis,
    /// When it ended.
    pub end: Option<EpochMillis>,
    /// Operations in creation order.
    ///
    /// Shared, copy-on-write (`Arc::make_mut`, or [`ExecutionRecord::operation_mut`]): a
    /// copy of a record copies pointers, not operations, and a store that keeps the previous
    /// version of a record (to write only the difference, or to roll back) pays for what an
    /// update changed rather than for the whole history.
    pub operations: Vec<Arc<Operation>>,
    /// History, in `EventId` order; shared like `operations`.
    pub events: Vec<Arc<Event>>,
    /// The only checkpoint token currently accepted.
    pub token: Option<String>,
    /// How many tokens were issued (makes each one unique).
    pub token_seq: u64,
    /// Operations changed since the running invocation last saw them.
    pub dirty: Vec<String>,
    /// Invocations so far.
    pub invocations: u32,
    /// Consecutive failed invocations (crashes, function errors).
    pub failed_invocations: u32,
    /// Timeout bookkeeping of open callbacks.
    #[serde(default)]
    pub callbacks: Vec<CallbackTimer>,
    /// Chained invokes started and not yet handed to their target.
    #[serde(default)]
    pub pending_invokes: Vec<PendingInvoke>,
    /// Chained invokes whose target execution is running (worker mode).
    #[serde(default)]
    pub awaiting_invokes: Vec<PendingInvoke>,
    /// Positions of `operations` by id: a cache, never serialized or compared.
    #[serde(skip)]
    pub(crate) index: OpIndex,
}

/// Positions of an [`ExecutionRecord`]'s operations by id, so lookups do not scan the whole
/// history (which made every checkpoint linear in history length, and a run quadratic).
///
/// It covers the first `len` operations; it is only a cache: a lookup verifies the id it
/// finds, scans the operations added since the index was last extended, and falls back to
/// a full scan if the indexed prefix no longer matches (code that rewrites `operations`
/// directly). Keys are a 64-bit hash of the id; a collision costs a scan, never a wrong
/// answer. Cloning it is a flat copy (keys and values are integers).
#[derive(Clone, Default)]
pub(crate) struct OpIndex {
    /// Hash of an id → position of the first operation with that hash.
    positions: HashMap<u64, usize, BuildHasherDefault<KeyHasher>>,
    /// How many leading operations are indexed.
    len: usize,
    /// Hash of the id of operation `len - 1` when indexed: detects a rewritten prefix.
    last: u64,
}

impl std::fmt::Debug for OpIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OpIndex({})", self.len)
    }
}

impl PartialEq for OpIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// FNV-1a over the id's bytes.
fn id_key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Spreads an already hashed `u64` key over the table (Fibonacci multiply).
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl OpIndex {
    /// How many leading operations of `operations` this index describes (0 if stale).
    fn covered(&self, operations: &[Arc<Operation>]) -> usize {
        match self.len.checked_sub(1).map(|i| operations.get(i)) {
            Some(Some(op)) if id_key(&op.id) == self.last => self.len,
            _ => 0,
        }
    }
}

/// A chained invoke the service still has to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvoke {
    /// The CHAINED_INVOKE operation.
    pub operation_id: String,
    /// The target.
    pub function_name: String,
    /// The target's tenant.
    pub tenant_id: Option<String>,
    /// The input JSON text.
    pub input: Option<String>,
    /// The execution ARN the target runs under, if durable.
    pub execution_arn: String,
}

/// Deadlines of one open callback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackTimer {
    /// The CALLBACK operation.
    pub operation_id: String,
    /// When it times out (`Callback.Timeout`).
    pub timeout_at: Option<EpochMillis>,
    /// Heartbeat interval in seconds.
    pub heartbeat_seconds: Option<u32>,
    /// When it misses its heartbeat (`Callback.Heartbeat`).
    pub heartbeat_at: Option<EpochMillis>,
}

impl CallbackTimer {
    /// The earlier of the two deadlines.
    pub fn next_deadline(&self) -> Option<EpochMillis> {
        match (self.timeout_at, self.heartbeat_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

impl ExecutionRecord {
    /// The operation with wire id `id`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.position(id)
            .and_then(|i| self.operations.get(i))
            .map(|op| &**op)
    }

    /// Mutable access to the operation with wire id `id`.
    pub fn operation_mut(&mut self, id: &str) -> Option<&mut Operation> {
        self.reindex();
        // Copy-on-write: the stored record keeps the operation as it was.
        self.position(id)
            .and_then(|i| self.operations.get_mut(i))
            .map(Arc::make_mut)
    }

    /// The position in `operations` of the (first) operation with wire id `id`.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        let ops = &self.operations;
        let covered = self.index.covered(ops);
        if covered > 0 {
            match self.index.positions.get(&id_key(id)) {
                Some(&i) if ops.get(i).is_some_and(|o| &*o.id == id) => return Some(i),
                // A hash collision: answer by scanning.
                Some(_) => return ops.iter().position(|o| &*o.id == id),
                None => {}
            }
        }
        // Not among the indexed operations: scan the ones added since.
        ops.get(covered..)?
            .iter()
            .position(|o| &*o.id == id)
            .map(|i| i + covered)
    }

    /// Extends the id index over operations added since it was last extended (rebuilding it
    /// if `operations` was rewritten).
    pub(crate) fn reindex(&mut self) {
        let covered = self.index.covered(&self.operations);
        if covered == 0 {
            self.index.positions.clear();
        }
        if covered == self.operations.len() {
            self.index.len = covered;
            return;
        }
        for (i, op) in self.operations.iter().enumerate().skip(covered) {
            let key = id_key(&op.id);
            self.index.positions.entry(key).or_insert(i);
            self.index.last = key;
        }
        self.index.len = self.operations.len();
    }
}

/// Failure of a store.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No execution with this ARN.
    #[error("no execution `{0}`")]
    NotFound(String),
    /// An execution with this ARN exists already.
    #[error("execution `{0}` already exists")]
    AlreadyExists(String),
    /// The backing database failed.
    #[error("store failure: {0}")]
    Backend(String),
}

/// An update handed to [`Store::submit`]: it owns what it needs, so the store may run it
/// later, on a thread of its own, in one transaction with other executions' updates.
pub type DeferredUpdate = Box<dyn FnOnce(&mut ExecutionRecord) + Send>;

/// Keeps execution records. Every mutation goes through [`Store::update`] or
/// [`Store::submit`] so a durable store can make it atomic.
pub trait Store: Send + Sync {
    /// Adds a new execution.
    fn create(&self, record: ExecutionRecord) -> Result<(), StoreError>;
    /// A copy of one execution.
    fn get(&self, arn: &str) -> Result<ExecutionRecord, StoreError>;
    /// Applies `f` to one execution atomically.
    fn update(&self, arn: &str, f: &mut dyn FnMut(&mut ExecutionRecord)) -> Result<(), StoreError>;
    /// ARNs of all executions, oldest first.
    fn list(&self) -> Result<Vec<String>, StoreError>;
    /// Lets `f` look at one execution. The default goes through [`Store::get`]; stores that
    /// keep records in memory override it to lend the record instead of copying it (a copy
    /// carries every operation and history event, so reading status through `get` makes
    /// an engine loop quadratic in history length).
    fn read(&self, arn: &str, f: &mut dyn FnMut(&ExecutionRecord)) -> Result<(), StoreError> {
        let record = self.get(arn)?;
        f(&record);
        Ok(())
    }
    /// Applies `f` to one execution atomically, like [`Store::update`], without blocking the
    /// caller: the future resolves once the change is as durable as the store makes any.
    /// The engine sends its checkpoints this way, so a store that commits to disk can commit
    /// many executions' updates with one transaction and one sync (group commit). The
    /// default runs `f` through [`Store::update`] at once.
    fn submit(&self, arn: &str, f: DeferredUpdate) -> BoxFuture<'static, Result<(), StoreError>> {
        // (Stores keeping this default may say so with `submits_at_once`.)
        let mut f = Some(f);
        let result = self.update(arn, &mut |record| {
            if let Some(f) = f.take() {
                f(record);
            }
        });
        Box::pin(std::future::ready(result))
    }
    /// Whether this store keeps the default [`Store::submit`]: the update runs through
    /// [`Store::update`] at once and is committed when that returns. The engine then calls
    /// `update` itself for its checkpoints, sparing the boxed closure and the shared result
    /// slot a deferred update needs. Stores that override `submit` must leave this `false`.
    fn submits_at_once(&self) -> bool {
        false
    }
}

/// Submits `f` for execution `arn` through [`Store::submit`] at once, and resolves to what
/// `f` returned once the change is committed.
pub fn apply<T: Send + 'static>(
    store: &dyn Store,
    arn: &str,
    f: impl FnOnce(&mut ExecutionRecord) -> T + Send + 'static,
) -> impl std::future::Future<Output = Result<T, StoreError>> + Send + 'static {
    let slot = Arc::new(Mutex::new(None));
    let out = slot.clone();
    let committed = store.submit(
        arn,
        Box::new(move |record| {
            let value = f(record);
            *out.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
        }),
    );
    let arn = arn.to_owned();
    async move {
        committed.await?;
        let value = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
        value.ok_or_else(|| StoreError::Backend(format!("the update of execution `{arn}` did not run")))
    }
}

/// An in-memory store (fast tests; lost on exit).
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<MemoryInner>,
}

#[derive(Debug, Default)]
struct MemoryInner {
    records: HashMap<String, ExecutionRecord>,
    order: Vec<String>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store for MemoryStore {
    fn create(&self, record: ExecutionRecord) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if inner.records.contains_key(&record.arn) {
            return Err(StoreError::AlreadyExists(record.arn));
        }
        inner.order.push(record.arn.clone());
        inner.records.insert(record.arn.clone(), record);
        Ok(())
    }

    fn get(&self, arn: &str) -> Result<ExecutionRecord, StoreError> {
        self.lock()
            .records
            .get(arn)
            .cloned()
            .ok_or_else(|| StoreError::NotFound(arn.to_owned()))
    }

    fn update(&self, arn: &str, f: &mut dyn FnMut(&mut ExecutionRecord)) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let record = inner
            .records
            .get_mut(arn)
            .ok_or_else(|| StoreError::NotFound(arn.to_owned()))?;
        f(record);
        Ok(())
    }

    fn list(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.lock().order.clone())
    }

    fn submits_at_once(&self) -> bool {
        true
    }

    fn read(&self, arn: &str, f: &mut dyn FnMut(&ExecutionRecord)) -> Result<(), StoreError> {
        let inner = self.lock();
        let record = inner
            .records
            .get(arn)
            .ok_or_else(|| StoreError::NotFound(arn.to_owned()))?;
        f(record);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use durable_core::wire::{OperationStatus, OperationType};

    fn record_with(ids: &[&str]) -> ExecutionRecord {
        let mut r =
            crate::local::service::new_execution("arn/exec".into(), "wf".into(), None, EpochMillis(0));
        for id in ids {
            r.operations.push(Arc::new(Operation::new(
                (*id).to_owned(),
                OperationType::Step,
                OperationStatus::Started,
            )));
        }
        r
    }

    #[test]
    fn the_id_index_follows_appends_rewrites_and_clones() {
        let mut r = record_with(&["a", "b", "c"]);
        assert_eq!(r.position("b"), Some(2)); // no index yet: a scan
        r.reindex();
        assert_eq!(r.position("c"), Some(3));
        assert_eq!(r.position("zz"), None);
        // Appended after indexing: found by scanning the tail.
        r.operations.push(Arc::new(Operation::new(
            "d",
            OperationType::Wait,
            OperationStatus::Started,
        )));
        assert_eq!(
            r.operation("d").map(|o| o.operation_type),
            Some(OperationType::Wait)
        );
        assert!(r.operation_mut("d").is_some());
        // Rewritten behind the index's back: detected, rebuilt.
        r.operations.truncate(1);
        r.operations.push(Arc::new(Operation::new(
            "x",
            OperationType::Step,
            OperationStatus::Started,
        )));
        assert_eq!(r.position("b"), None);
        assert_eq!(r.position("x"), Some(1));
        r.reindex();
        assert_eq!(r.position("x"), Some(1));
        assert_eq!(r.position("a"), None);
        // Clones keep a working index and compare equal regardless of it.
        let copy = r.clone();
        assert_eq!(copy.position("x"), Some(1));
        assert_eq!(copy, record_with(&["x"]));
    }

    #[test]
    fn read_lends_the_stored_record() {
        let store = MemoryStore::new();
        store.create(record_with(&["a"])).unwrap();
        let mut seen = 0;
        store
            .read("arn/exec", &mut |r| seen = r.operations.len())
            .unwrap();
        assert_eq!(seen, 2);
        assert!(matches!(
            store.read("nope", &mut |_| {}),
            Err(StoreError::NotFound(_))
        ));
    }
}
