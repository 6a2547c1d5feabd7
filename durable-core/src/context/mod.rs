//! [`DurableContext`]: the handle workflow code uses to perform durable operations.
//!
//! Every operation takes its id when it is *created* (the call to `ctx.step(..)`,
//! `ctx.wait(..)`, ...), from a counter of its context, so the ids do not depend on the order
//! in which concurrently awaited operations are polled.

mod batch;
mod callback;
mod child;
mod combinators;
mod deterministic;
mod invoke;
mod saga;
mod step;
mod step_def;
mod wait;
mod wait_for_callback;
mod wait_for_condition;
mod with_retry;

pub use batch::{
    BatchConfig, BatchItem, BatchResult, Branch, CompletionConfig, CompletionReason, ItemStatus, Map,
    Nesting, Parallel,
};
pub use callback::{Callback, CreateCallback};
pub use child::ChildContext;
pub use combinators::Settled;
pub use invoke::Invoke;
pub use saga::Saga;
pub use step::{Step, StepContext, StepSemantics};
pub use step_def::{StepDefinition, StepReturn};
pub use wait::Wait;
pub use wait_for_callback::WaitForCallback;
pub use wait_for_condition::{PollingPolicy, WaitDecision, WaitForCondition, WaitStrategy};

use crate::execution::{Execution, OpIdentity};
use crate::id::ChildIds;
use crate::logger::Logger;
use crate::wire::OperationType;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The future every durable operation resolves through.
pub type DurableFuture<T> = crate::checkpoint::BoxFuture<'static, Result<T, crate::error::DurableError>>;

/// An operation's optional user-facing name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Name(pub Option<String>);

impl Name {
    /// No name.
    pub fn none() -> Self {
        Name(None)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(Some(s.to_owned()))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(Some(s))
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name(Some(s.clone()))
    }
}

impl From<Option<String>> for Name {
    fn from(s: Option<String>) -> Self {
        Name(s)
    }
}

impl From<Option<&str>> for Name {
    fn from(s: Option<&str>) -> Self {
        Name(s.map(str::to_owned))
    }
}

impl From<()> for Name {
    fn from((): ()) -> Self {
        Name(None)
    }
}

/// How a context's operations are replayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContextMode {
    /// Normal: replay what history holds, run the rest live.
    Normal,
    /// Rebuilding the result of a child context that succeeded with `ReplayChildren`: every
    /// operation must already be terminal, and nothing is checkpointed.
    ReplaySucceeded,
}

pub(crate) struct ContextInner {
    pub exec: Arc<Execution>,
    /// The wire ids of the operations created here, by position (memoized); also the path of
    /// the CONTEXT operation this context belongs to (`None` = root).
    pub ids: Arc<ChildIds>,
    /// Wire id of that CONTEXT operation: the `ParentId` of every operation created here.
    pub parent_id: Option<crate::wire::SharedStr>,
    pub name: Option<crate::wire::SharedStr>,
    /// Where this context's scope comes from (see [`ContextInner::scope`]). Only step mocks
    /// read scopes, so they are spelled out when one is looked up, not per context.
    pub scope_from: ScopeFrom,
    pub counter: AtomicU64,
    /// The highest position among this context's operations whose record the code has looked
    /// up (0: none yet): where its replay has got to.
    pub reached: AtomicU64,
    pub mode: ContextMode,
}

/// The handle workflow code performs durable operations with. Cheap to clone; clones share
/// the same operation counter.
#[derive(Clone)]
pub struct DurableContext {
    pub(crate) inner: Arc<ContextInner>,
}

impl std::fmt::Debug for DurableContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DurableContext")
            .field("execution_arn", &self.inner.exec.arn)
            .field("path", &self.inner.ids.parent())
            .finish()
    }
}

/// How a context's scope (the names of the contexts from the root to it, joined by `/`, as
/// history's `ParentId` chain spells them: what step mocks are addressed by) is made.
pub(crate) enum ScopeFrom {
    /// The root: empty.
    Root,
    /// Its parent's scope and its own name: a context of a CONTEXT operation.
    Child(Arc<ContextInner>),
    /// Exactly another context's: a FLAT batch item is not part of its operations' paths.
    Same(Arc<ContextInner>),
}

impl ContextInner {
    /// This context's scope, spelled out.
    fn scope(&self) -> String {
        match &self.scope_from {
            ScopeFrom::Root => String::new(),
            ScopeFrom::Same(other) => other.scope(),
            ScopeFrom::Child(parent) => scoped(&parent.scope(), self.name.as_deref()),
        }
    }
}

/// `scope` extended by one operation name (`-` when unnamed).
fn scoped(scope: &str, name: Option<&str>) -> String {
    let name = name.unwrap_or("-");
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}/{name}")
    }
}

impl DurableContext {
    pub(crate) fn root(exec: Arc<Execution>) -> Self {
        DurableContext {
            inner: Arc::new(ContextInner {
                exec,
                ids: ChildIds::of(None),
                parent_id: None,
                name: None,
                scope_from: ScopeFrom::Root,
                counter: AtomicU64::new(0),
                reached: AtomicU64::new(0),
                mode: ContextMode::Normal,
            }),
        }
    }

    /// The context of the CONTEXT operation `op`, whose body is about to run.
    pub(crate) fn child(&self, op: &OpIdentity, mode: ContextMode) -> Self {
        self.entered(op);
        DurableContext {
            inner: Arc::new(ContextInner {
                exec: self.inner.exec.clone(),
                ids: ChildIds::of(Some(&op.path)),
                parent_id: Some(op.id.clone()),
                name: op.name.clone(),
                scope_from: ScopeFrom::Child(self.inner.clone()),
                counter: AtomicU64::new(0),
                reached: AtomicU64::new(0),
                mode,
            }),
        }
    }

    /// A virtual context for a FLAT batch item: its operations get ids under the item's
    /// position but report the batch context as their parent; nothing is checkpointed for it.
    pub(crate) fn virtual_child(&self, op: &OpIdentity) -> Self {
        self.entered(op);
        DurableContext {
            inner: Arc::new(ContextInner {
                exec: self.inner.exec.clone(),
                ids: ChildIds::of(Some(&op.path)),
                parent_id: self.inner.parent_id.clone(),
                name: op.name.clone(),
                // Its operations report the batch context as their parent: the item is not
                // part of their path.
                scope_from: ScopeFrom::Same(self.inner.clone()),
                counter: AtomicU64::new(0),
                reached: AtomicU64::new(0),
                mode: self.inner.mode,
            }),
        }
    }

    /// The path of an operation named `name` created in this context (see
    /// [`crate::config::StepRef::path`]).
    pub(crate) fn path_of(&self, name: Option<&str>) -> String {
        scoped(&self.inner.scope(), name)
    }

    fn entered(&self, op: &OpIdentity) {
        if let Some(t) = self.inner.exec.tracer() {
            t.entered(&op.path);
        }
    }

    /// Allocates the next operation of this context, created by the caller's caller (every
    /// public method that creates an operation is `#[track_caller]`).
    #[track_caller]
    pub(crate) fn new_op(&self, op_type: OperationType, sub_type: &'static str, name: Name) -> OpIdentity {
        self.new_op_at(op_type, sub_type, name, Location::caller())
    }

    /// Allocates the next operation of this context, created by the code at `location`.
    pub(crate) fn new_op_at(
        &self,
        op_type: OperationType,
        sub_type: &'static str,
        name: Name,
        location: &'static Location<'static>,
    ) -> OpIdentity {
        let n = self.inner.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let path = self.inner.ids.path(n);
        let op = OpIdentity {
            id: self.inner.ids.wire_id(n, &path),
            path,
            index: n,
            parent_id: self.inner.parent_id.clone(),
            name: name.0.map(Into::into),
            op_type,
            sub_type,
            location,
        };
        if let Some(t) = self.inner.exec.tracer() {
            t.operation(&op, self.inner.ids.parent());
        }
        op
    }

    pub(crate) fn exec(&self) -> &Arc<Execution> {
        &self.inner.exec
    }

    /// The execution's ARN.
    pub fn execution_arn(&self) -> &str {
        &self.inner.exec.arn
    }

    /// Whether the code of this context is currently re-running what an earlier invocation
    /// ran: history holds the operation after the last one this context has reached (as the
    /// reference SDKs decide). Once an invocation runs anything live (a step body, an
    /// operation history does not hold), it is not replaying anywhere.
    pub fn is_replaying(&self) -> bool {
        let inner = &self.inner;
        if inner.mode == ContextMode::ReplaySucceeded {
            // Rebuilding a large result from records: nothing in it runs live.
            return true;
        }
        if !inner.exec.is_replaying() {
            return false;
        }
        let n = inner.reached.load(Ordering::Relaxed) + 1;
        inner.exec.has_record(&inner.ids.wire_id(n, &inner.ids.path(n)))
    }

    /// Looks up the record of `op`, an operation of this context (see [`Execution::lookup`]),
    /// and notes that the code has reached it.
    pub(crate) fn lookup(
        &self,
        op: &OpIdentity,
    ) -> Result<Option<Arc<crate::wire::Operation>>, crate::error::DurableError> {
        let record = self.inner.exec.lookup(op)?;
        // Written only by the invocation's one task: no read-modify-write needed.
        if op.index > self.inner.reached.load(Ordering::Relaxed) {
            self.inner.reached.store(op.index, Ordering::Relaxed);
        }
        Ok(record)
    }

    /// A replay-aware logger: records written while this context replays are dropped.
    pub fn logger(&self) -> Logger {
        Logger::new(
            self.inner.exec.clone(),
            self.inner.parent_id.clone(),
            self.inner.name.clone(),
            None,
        )
        .in_context(self.clone())
    }
}
