//! `map` and `parallel` (PROTOCOL.md §4.10): run items as child contexts of one batch context,
//! at most `max_concurrency` at a time, started strictly in index order (so their ids are
//! deterministic), until the completion rules say stop. The batch records a [`BatchResult`].
//!
//! Sequence: CONTEXT `START` (`Map`/`Parallel`) → per item CONTEXT `START`
//! (`MapIteration`/`ParallelBranch`, parent = batch) … `SUCCEED`/`FAIL` → batch `SUCCEED`
//! with the serialized result (or a summary with `ReplayChildren` when it is too large).
//! A suspended item keeps its concurrency slot; the invocation suspends when nothing else
//! can run.

mod config;
mod map;
mod parallel;
mod result;

pub use config::{BatchConfig, CompletionConfig, Nesting};
pub use map::Map;
pub use parallel::{Branch, Parallel};
pub use result::{BatchItem, BatchResult, CompletionReason, ItemStatus};

use super::child::ChildContext;
use super::DurableContext;
use crate::checkpoint::BoxFuture;
use crate::error::DurableError;
use crate::execution::OpIdentity;
use crate::serdes::Serdes;
use crate::wire::{sub_type, OperationType};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::IntoFuture;
use std::panic::Location;
use std::sync::Arc;
use std::task::Poll;
use tracing::Instrument;

/// Map or parallel: the sub-types and names that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BatchKind {
    Map,
    Parallel,
}

impl BatchKind {
    fn sub_type(self) -> &'static str {
        match self {
            BatchKind::Map => sub_type::MAP,
            BatchKind::Parallel => sub_type::PARALLEL,
        }
    }

    fn item_sub_type(self) -> &'static str {
        match self {
            BatchKind::Map => sub_type::MAP_ITERATION,
            BatchKind::Parallel => sub_type::PARALLEL_BRANCH,
        }
    }

    fn summary_type(self) -> &'static str {
        match self {
            BatchKind::Map => "MapResult",
            BatchKind::Parallel => "ParallelResult",
        }
    }

    fn default_item_name(self, index: usize) -> String {
        match self {
            BatchKind::Map => format!("map-item-{index}"),
            BatchKind::Parallel => format!("parallel-branch-{index}"),
        }
    }
}

type ItemBody<T> = Box<dyn FnOnce(DurableContext) -> BoxFuture<'static, Result<T, DurableError>> + Send>;

/// One item, ready to start.
pub(crate) struct ItemSpec<T> {
    name: Option<String>,
    body: ItemBody<T>,
}

/// Everything a batch needs once it is awaited.
pub(crate) struct BatchRun<T> {
    pub ctx: DurableContext,
    pub op: OpIdentity,
    pub kind: BatchKind,
    pub items: Vec<ItemSpec<T>>,
    pub config: BatchConfig,
    pub item_serdes: Option<Arc<dyn Serdes<T>>>,
    pub serdes: Option<Arc<dyn Serdes<BatchResult<T>>>>,
}

/// Allocates the batch operation (at creation, like every operation).
#[track_caller]
pub(crate) fn batch_op(ctx: &DurableContext, kind: BatchKind, name: super::Name) -> OpIdentity {
    ctx.new_op(OperationType::Context, kind.sub_type(), name)
}

impl<T> BatchRun<T>
where
    T: Serialize + DeserializeOwned + Send + 'static,
{
    pub(crate) async fn run(self) -> Result<BatchResult<T>, DurableError> {
        let BatchRun {
            ctx,
            op,
            kind,
            items,
            config,
            item_serdes,
            serdes,
        } = self;
        let exec = ctx.exec().clone();
        config.validate().map_err(|e| exec.set_fatal(e))?;
        // Items are created later, inside the batch: they are reported where the batch was.
        let location = op.location;
        let body = move |batch: DurableContext| drive(batch, kind, items, config, item_serdes, location);
        let child = ChildContext::from_op(ctx, op, body)
            .serdes_arc(serdes)
            .summary(move |r: &BatchResult<T>| r.summary(kind.summary_type()));
        child.await
    }
}

enum Slot<T> {
    Running(BoxFuture<'static, Result<T, DurableError>>),
    Done,
}

/// Runs the items inside the batch context.
async fn drive<T>(
    batch: DurableContext,
    kind: BatchKind,
    items: Vec<ItemSpec<T>>,
    config: BatchConfig,
    item_serdes: Option<Arc<dyn Serdes<T>>>,
    location: &'static Location<'static>,
) -> Result<BatchResult<T>, DurableError>
where
    T: Serialize + DeserializeOwned + Send + 'static,
{
    let total = items.len();
    let max = config.max_concurrency.unwrap_or(usize::MAX).max(1);
    let mut pending = items.into_iter().enumerate();
    let mut slots: Vec<(usize, Slot<T>)> = Vec::new();
    let mut outcomes: Vec<BatchItem<T>> = Vec::new();
    let (mut succeeded, mut failed, mut running) = (0usize, 0usize, 0usize);
    let mut reason = config.completion.reason(0, 0, total);

    std::future::poll_fn(|cx| loop {
        // Start items in index order while there is a free slot.
        while reason.is_none() && running < max {
            let Some((index, item)) = pending.next() else {
                break;
            };
            let name = item.name.unwrap_or_else(|| kind.default_item_name(index));
            let future: BoxFuture<'static, Result<T, DurableError>> = match config.nesting {
                Nesting::Nested => {
                    let op = batch.new_op_at(
                        OperationType::Context,
                        kind.item_sub_type(),
                        name.into(),
                        location,
                    );
                    ChildContext::from_op(batch.clone(), op, item.body)
                        .serdes_arc(item_serdes.clone())
                        .into_future()
                }
                Nesting::Flat => {
                    let op = batch.new_op_at(
                        OperationType::Context,
                        kind.item_sub_type(),
                        name.into(),
                        location,
                    );
                    // A flat item has no CONTEXT of its own, but a span all the same (boxed
                    // again only when a subscriber records it).
                    let item_ctx = batch.virtual_child(&op);
                    let span = crate::telemetry::context_span(&item_ctx, &op);
                    let future = span.in_scope(|| (item.body)(item_ctx));
                    if span.is_disabled() {
                        future
                    } else {
                        Box::pin(future.instrument(span))
                    }
                }
            };
            slots.push((index, Slot::Running(future)));
            running += 1;
        }
        let mut progressed = false;
        for (index, slot) in &mut slots {
            let Slot::Running(future) = slot else { continue };
            let Poll::Ready(outcome) = future.as_mut().poll(cx) else {
                continue;
            };
            *slot = Slot::Done;
            running -= 1;
            progressed = true;
            let item = match outcome {
                Ok(value) => {
                    succeeded += 1;
                    BatchItem {
                        index: *index,
                        status: ItemStatus::Succeeded,
                        result: Some(value),
                        error: None,
                    }
                }
                Err(e) if e.is_fatal() => return Poll::Ready(Err(e)),
                Err(e) => {
                    failed += 1;
                    let error = match e {
                        DurableError::ChildContextFailed { error, .. } => *error,
                        other => other.error_object(),
                    };
                    BatchItem {
                        index: *index,
                        status: ItemStatus::Failed,
                        result: None,
                        error: Some(error),
                    }
                }
            };
            outcomes.push(item);
            if reason.is_none() {
                reason = config.completion.reason(succeeded, failed, total);
            }
        }
        if let Some(reason) = reason {
            // Items still running keep status STARTED; items never started are absent.
            let mut all = std::mem::take(&mut outcomes);
            for (index, slot) in &slots {
                if matches!(slot, Slot::Running(_)) {
                    all.push(BatchItem {
                        index: *index,
                        status: ItemStatus::Started,
                        result: None,
                        error: None,
                    });
                }
            }
            all.sort_by_key(|i| i.index);
            return Poll::Ready(Ok(BatchResult {
                all,
                completion_reason: reason,
            }));
        }
        if !progressed {
            return Poll::Pending;
        }
    })
    .await
}
