//! What one run of a workflow asked of the service, recorded for the replay checker.
//!
//! Static lints cannot see nondeterminism hidden in helpers, statics or hash-map order, so a
//! backend may run every invocation a second time, as a [shadow replay](crate::shadow), and
//! compare the two recordings. A [`TraceRecorder`] set on
//! [`ExecutionConfig::trace`](crate::ExecutionConfig::trace) records, for one run: every
//! operation it created (identity and the source location of the call), what it asked for
//! when it awaited one (a wait's duration, an invoke's target and input, a callback's
//! timeouts), the contexts whose bodies ran, and how the run ended. After a real invocation it
//! also keeps the operations as that invocation last saw them ([`ReplayState`]), which is
//! what the shadow replay runs against.
//!
//! Nothing is recorded unless a recorder is set, so production runs pay one `Option` check per
//! created operation.

use crate::error::DurableError;
use crate::execution::OpIdentity;
use crate::id::OperationPath;
use crate::wire::{ErrorObject, Operation, OperationType};
use std::collections::{HashMap, HashSet};
use std::panic::Location;
use std::sync::{Arc, Mutex, MutexGuard};

/// One operation, as a run created it.
#[derive(Clone, Debug, PartialEq)]
pub struct TracedOperation {
    /// Its position (`"3"`, `"2-1"`), from which its id is derived.
    pub position: OperationPath,
    /// The context it was created in (`None` = the root). For a FLAT batch item's operations
    /// this is the item's position, although their parent id is the batch's.
    pub context: Option<OperationPath>,
    /// The wire id.
    pub id: String,
    /// The wire parent id.
    pub parent_id: Option<String>,
    /// The operation type.
    pub operation_type: OperationType,
    /// The sub-type.
    pub sub_type: &'static str,
    /// The name.
    pub name: Option<String>,
    /// Where the code created it (the call to `ctx.step(..)`, `ctx.wait(..)`, ...).
    pub location: &'static Location<'static>,
    /// What the run asked for when it awaited the operation, if it did and the operation
    /// carries a request.
    pub request: Option<Request>,
}

/// What a run submits for an operation it starts, besides its identity.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// A wait's duration.
    Wait {
        /// Whole seconds.
        seconds: u32,
    },
    /// A chained invoke's target and input.
    Invoke {
        /// The function invoked.
        function_name: String,
        /// Its tenant.
        tenant_id: Option<String>,
        /// The serialized input (`None` if it could not be serialized).
        input: Option<String>,
    },
    /// A callback's options.
    Callback {
        /// The overall timeout, in seconds.
        timeout_seconds: Option<u32>,
        /// The heartbeat timeout, in seconds.
        heartbeat_timeout_seconds: Option<u32>,
    },
}

/// How a run ended.
#[derive(Clone, Debug)]
pub enum RunEnd {
    /// The workflow returned: its result as JSON, or its error.
    Finished(Result<String, ErrorObject>),
    /// The run stopped where only the service or a live run could go on: a real invocation
    /// suspended; a shadow replay reached something new to run or to wait for.
    Suspended,
    /// A fatal error ended the run (non-determinism, serialization, validation).
    Failed(DurableError),
}

/// The recording of one run.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Every operation created, in creation order.
    pub operations: Vec<TracedOperation>,
    /// The contexts whose bodies ran, in the order they were entered (the root is implied).
    pub entered: Vec<OperationPath>,
    /// How the run ended.
    pub end: RunEnd,
}

/// The operations as a real invocation last saw them: what its shadow replay runs against.
/// Opaque; hand it to [`shadow_replay`](crate::shadow::shadow_replay).
pub struct ReplayState {
    pub(crate) arn: String,
    /// The invocation's own map of records, moved out of it (records are shared pointers).
    pub(crate) operations: crate::execution::OpMap,
    /// Contexts the real invocation entered: the shadow runs their bodies too (`None`: every
    /// context, when replaying a recorded history).
    pub(crate) entered: Option<HashSet<OperationPath>>,
}

impl ReplayState {
    /// A recorded execution's operations (from the service's `GetDurableExecutionState`, or
    /// rebuilt from its history with [`crate::history::operations_from_events`]), to replay
    /// the current code against with [`shadow_replay`](crate::shadow::shadow_replay). The
    /// bodies of all completed contexts run too, so what they ask is checked.
    pub fn from_history(arn: impl Into<String>, operations: Vec<Operation>) -> Self {
        ReplayState {
            arn: arn.into(),
            operations: operations.into_iter().map(Arc::new).collect(),
            entered: None,
        }
    }
}

impl std::fmt::Debug for ReplayState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplayState")
            .field("arn", &self.arn)
            .field("operations", &self.operations.len())
            .finish_non_exhaustive()
    }
}

/// How a run ended, as its driver saw it; a finished run's outcome is the one recorded by
/// [`TraceRecorder::outcome`] when the workflow returned.
pub(crate) enum Ending {
    Finished,
    Suspended,
    Failed(DurableError),
}

#[derive(Default)]
struct Recording {
    operations: Vec<TracedOperation>,
    /// Position in `operations` by wire id, to attach requests.
    index: HashMap<String, usize>,
    entered: Vec<OperationPath>,
    outcome: Option<Result<String, ErrorObject>>,
    finished: Option<(Trace, ReplayState)>,
}

/// Collects the [`Trace`] of one invocation (set it on
/// [`ExecutionConfig::trace`](crate::ExecutionConfig::trace)); [`TraceRecorder::take`] hands
/// it over once the invocation returned.
#[derive(Default)]
pub struct TraceRecorder {
    recording: Mutex<Recording>,
}

impl std::fmt::Debug for TraceRecorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceRecorder")
            .field("operations", &self.lock().operations.len())
            .finish_non_exhaustive()
    }
}

impl TraceRecorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// The finished invocation's trace and the state its shadow replay runs against; `None`
    /// if the invocation ran no workflow code to the end of a response (malformed event or
    /// input, a retryable checkpoint failure, a revoked token), or if it was taken already.
    pub fn take(&self) -> Option<(Trace, ReplayState)> {
        self.lock().finished.take()
    }

    fn lock(&self) -> MutexGuard<'_, Recording> {
        // Plain data whose invariants hold between statements: a poisoned lock is usable.
        self.recording.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn operation(&self, op: &OpIdentity, context: Option<&OperationPath>) {
        let traced = TracedOperation {
            position: op.path.clone(),
            context: context.cloned(),
            id: op.id.to_string(),
            parent_id: op.parent_id.as_deref().map(str::to_owned),
            operation_type: op.op_type,
            sub_type: op.sub_type,
            name: op.name.as_deref().map(str::to_owned),
            location: op.location,
            request: None,
        };
        let mut r = self.lock();
        let at = r.operations.len();
        r.index.insert(op.id.to_string(), at);
        r.operations.push(traced);
    }

    pub(crate) fn request(&self, id: &str, request: Request) {
        let mut r = self.lock();
        if let Some(&at) = r.index.get(id) {
            r.operations[at].request = Some(request);
        }
    }

    pub(crate) fn entered(&self, context: &OperationPath) {
        self.lock().entered.push(context.clone());
    }

    pub(crate) fn outcome(&self, outcome: &Result<String, DurableError>) {
        self.lock().outcome = Some(match outcome {
            Ok(json) => Ok(json.clone()),
            Err(e) => Err(e.error_object()),
        });
    }

    /// The trace so far, ending as `ending` says.
    pub(crate) fn take_trace(&self, ending: Ending) -> Trace {
        let mut r = self.lock();
        let end = match (ending, r.outcome.take()) {
            (Ending::Finished, Some(outcome)) => RunEnd::Finished(outcome),
            (Ending::Failed(e), _) => RunEnd::Failed(e),
            (Ending::Finished | Ending::Suspended, _) => RunEnd::Suspended,
        };
        r.index.clear();
        Trace {
            operations: std::mem::take(&mut r.operations),
            entered: std::mem::take(&mut r.entered),
            end,
        }
    }

    /// Ends a real invocation's recording, keeping the state its shadow replay needs.
    pub(crate) fn finish(&self, ending: Ending, arn: String, operations: crate::execution::OpMap) {
        let trace = self.take_trace(ending);
        let entered = trace.entered.iter().cloned().collect();
        self.lock().finished = Some((
            trace,
            ReplayState {
                arn,
                operations,
                entered: Some(entered),
            },
        ));
    }
}
