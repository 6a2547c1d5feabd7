//! Where the local engine keeps executions: a small trait, and the in-memory store used by
//! tests and the test runner. (The embedded SQLite store implements the same trait.)

use durable_core::wire::{EpochMillis, ErrorObject, Event, Operation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;

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
    pub operations: Vec<Operation>,
    /// History, in `EventId` order.
    pub events: Vec<Event>,
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
        self.operations.iter().find(|o| o.id == id)
    }

    /// Mutable access to the operation with wire id `id`.
    pub fn operation_mut(&mut self, id: &str) -> Option<&mut Operation> {
        self.operations.iter_mut().find(|o| o.id == id)
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

/// Keeps execution records. Every mutation goes through [`Store::update`] so a durable store
/// can make it atomic.
pub trait Store: Send + Sync {
    /// Adds a new execution.
    fn create(&self, record: ExecutionRecord) -> Result<(), StoreError>;
    /// A copy of one execution.
    fn get(&self, arn: &str) -> Result<ExecutionRecord, StoreError>;
    /// Applies `f` to one execution atomically.
    fn update(&self, arn: &str, f: &mut dyn FnMut(&mut ExecutionRecord)) -> Result<(), StoreError>;
    /// ARNs of all executions, oldest first.
    fn list(&self) -> Result<Vec<String>, StoreError>;
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
}
