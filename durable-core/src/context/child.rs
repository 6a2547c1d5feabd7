//! `ctx.run_in_child_context(..)`: a named group of operations with its own id space
//! (PROTOCOL.md §4.8, §4.9).
//!
//! Sequence: CONTEXT `START` (not awaited), the children, then `SUCCEED{Payload}` or
//! `FAIL{Error}` (awaited). A completed child replays from its stored result without running
//! its body. A result above 256 KiB is not stored: the context succeeds with
//! `ReplayChildren`, and replays re-run the body against its children's records to rebuild it.
//!
//! A shadow replay (the replay checker) also runs, aside, the body of a completed context that
//! the real invocation entered, to compare what it asks; the parent still gets the recorded
//! outcome, as any replay would, so the timing of the live run (which input of a race won)
//! cannot make the two runs differ.

use super::{ContextMode, DurableContext, Name};
use crate::checkpoint::BoxFuture;
use crate::error::DurableError;
use crate::execution::OpIdentity;
use crate::limits::{CHILD_RESULT_INLINE_BYTES, MAX_OPERATION_PAYLOAD_BYTES};
use crate::serdes::{JsonSerdes, Serdes, SerdesContext};
use crate::wire::{sub_type, ContextOptions, OperationAction, OperationStatus, OperationType};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::{Future, IntoFuture};
use std::panic::Location;
use std::sync::Arc;
use tracing::Instrument;

type Summary<T> = Arc<dyn Fn(&T) -> String + Send + Sync>;

/// A child context, created by [`DurableContext::run_in_child_context`].
#[must_use = "a child context does nothing until it is awaited"]
pub struct ChildContext<T, F> {
    ctx: DurableContext,
    op: OpIdentity,
    body: F,
    serdes: Option<Arc<dyn Serdes<T>>>,
    summary: Option<Summary<T>>,
}

impl DurableContext {
    /// Runs `body` in a child context named `name`. The child's operations are recorded
    /// under it; once it completes, replays return its result without running the body.
    #[track_caller]
    pub fn run_in_child_context<T, F, Fut>(&self, name: impl Into<Name>, body: F) -> ChildContext<T, F>
    where
        F: FnOnce(DurableContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, DurableError>> + Send + 'static,
        T: Serialize + DeserializeOwned + Send + 'static,
    {
        self.child_with_sub_type(name, sub_type::RUN_IN_CHILD_CONTEXT, body)
    }

    #[track_caller]
    pub(crate) fn child_with_sub_type<T, F>(
        &self,
        name: impl Into<Name>,
        sub_type: &'static str,
        body: F,
    ) -> ChildContext<T, F> {
        self.child_with_sub_type_at(name, sub_type, body, Location::caller())
    }

    /// A child context created by the code at `location`.
    pub(crate) fn child_with_sub_type_at<T, F>(
        &self,
        name: impl Into<Name>,
        sub_type: &'static str,
        body: F,
        location: &'static Location<'static>,
    ) -> ChildContext<T, F> {
        ChildContext {
            op: self.new_op_at(OperationType::Context, sub_type, name.into(), location),
            ctx: self.clone(),
            body,
            serdes: None,
            summary: None,
        }
    }
}

impl<T, F> ChildContext<T, F> {
    /// A child context for an operation allocated earlier (batches allocate their id when
    /// created and build the body when awaited).
    pub(crate) fn from_op(ctx: DurableContext, op: OpIdentity, body: F) -> Self {
        ChildContext {
            ctx,
            op,
            body,
            serdes: None,
            summary: None,
        }
    }

    /// Uses a shared serdes, if any.
    pub(crate) fn serdes_arc(mut self, serdes: Option<Arc<dyn Serdes<T>>>) -> Self {
        if serdes.is_some() {
            self.serdes = serdes;
        }
        self
    }

    /// Serializes the result with `serdes` instead of JSON.
    pub fn serdes(mut self, serdes: impl Serdes<T> + 'static) -> Self {
        self.serdes = Some(Arc::new(serdes));
        self
    }

    /// The payload stored instead of a result above 256 KiB (default: empty).
    pub fn summary(mut self, summary: impl Fn(&T) -> String + Send + Sync + 'static) -> Self {
        self.summary = Some(Arc::new(summary));
        self
    }
}

impl<T, F, Fut> IntoFuture for ChildContext<T, F>
where
    F: FnOnce(DurableContext) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, DurableError>> + Send + 'static,
    T: Serialize + DeserializeOwned + Send + 'static,
{
    type Output = Result<T, DurableError>;
    type IntoFuture = BoxFuture<'static, Result<T, DurableError>>;

    fn into_future(self) -> Self::IntoFuture {
        // Taken apart here, not in `run`: an async fn keeps its arguments for its whole life,
        // so destructuring inside it would hold every field twice in the (boxed) future.
        let ChildContext {
            ctx,
            op,
            body,
            serdes,
            summary,
        } = self;
        Box::pin(run(ctx, op, body, serdes, summary))
    }
}

// Not an async fn on purpose (see the comment in the body).
#[allow(clippy::manual_async_fn)]
fn run<T, F, Fut>(
    ctx: DurableContext,
    op: OpIdentity,
    body: F,
    serdes: Option<Arc<dyn Serdes<T>>>,
    summary: Option<Summary<T>>,
) -> impl Future<Output = Result<T, DurableError>> + Send + 'static
where
    F: FnOnce(DurableContext) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, DurableError>> + Send + 'static,
    T: Serialize + DeserializeOwned + Send + 'static,
{
    // An async block, not an async fn: an async fn moves its arguments into locals and keeps
    // both copies in its state; the block uses what it captures in place.
    async move {
        let exec = ctx.exec().clone();
        // The default JSON serdes is a unit value: borrowed, not shared behind a fresh `Arc`.
        let json = JsonSerdes::<T>::new();
        let serdes: &dyn Serdes<T> = serdes.as_deref().unwrap_or(&json);
        let record = ctx.lookup(&op)?;
        if ctx.inner.mode == ContextMode::ReplaySucceeded
            && !record.as_ref().is_some_and(|r| r.status.is_terminal())
        {
            return Err(super::step::missing_in_replay(&exec, &op));
        }
        match record.as_ref().map(|r| r.status) {
            Some(OperationStatus::Succeeded) => {
                let details = record
                    .as_ref()
                    .and_then(|r| r.context_details.clone())
                    .unwrap_or_default();
                if details.replay_children == Some(true) {
                    // Rebuild the large result from the children's records; nothing is written.
                    let child = ctx.child(&op, ContextMode::ReplaySucceeded);
                    let span = crate::telemetry::context_span(&child, &op);
                    let rebuild = span.in_scope(|| body(child));
                    return rebuild.instrument(span).await;
                }
                exec.replay_aside(&op, || body(ctx.child(&op, ctx.inner.mode)));
                return exec.decode(&op, serdes, details.result.as_deref());
            }
            Some(OperationStatus::Started) => {}
            None => {
                exec.enqueue(op.update(OperationAction::Start))?;
            }
            Some(_) => {
                exec.replay_aside(&op, || body(ctx.child(&op, ctx.inner.mode)));
                let error = record
                    .as_ref()
                    .and_then(|r| r.error().cloned())
                    .unwrap_or_else(|| {
                        crate::wire::ErrorObject::new("ChildContextError", "child context failed")
                    });
                return Err(DurableError::ChildContextFailed {
                    name: op.name.as_deref().map(str::to_owned),
                    position: op.path.to_string(),
                    error: Box::new(error),
                });
            }
        }

        // The body runs in the context's span, so its operations' spans and events nest in it.
        let child = ctx.child(&op, ctx.inner.mode);
        let span = crate::telemetry::context_span(&child, &op);
        let live = span.in_scope(|| body(child));
        let outcome = live.instrument(span).await;
        if let Some(fatal) = exec.fatal() {
            // Suspension, non-determinism, checkpoint failure: the child did not finish; record
            // nothing so the next invocation resumes it.
            return Err(fatal);
        }
        match outcome {
            Ok(value) => {
                let payload = exec.encode(&op, serdes, &value)?;
                // Each update is built as the argument of `checkpoint`, so it never lives in
                // this (boxed) future across the await.
                if payload.len() > CHILD_RESULT_INLINE_BYTES {
                    let stored = summary.as_ref().map(|s| s(&value)).unwrap_or_default();
                    if stored.len() > MAX_OPERATION_PAYLOAD_BYTES {
                        return Err(exec.set_fatal(DurableError::PayloadTooLarge {
                            operation: format!("summary of child context {}", op.label()),
                            size: stored.len(),
                            limit: MAX_OPERATION_PAYLOAD_BYTES,
                        }));
                    }
                    exec.checkpoint({
                        let mut update = op.update(OperationAction::Succeed);
                        update.payload = Some(stored);
                        update.context_options = Some(ContextOptions {
                            replay_children: Some(true),
                        });
                        update
                    })
                    .await?;
                    return Ok(value);
                }
                // Round-trip so the live value is exactly what a replay will produce: decoded
                // before the payload moves into the update (no copy of it), the failure made
                // fatal only once the result is checkpointed, as before.
                drop(value);
                let cx = SerdesContext {
                    operation_id: &op.id,
                    durable_execution_arn: &exec.arn,
                };
                let decoded = serdes.deserialize(Some(&payload), cx);
                exec.checkpoint({
                    let mut update = op.update(OperationAction::Succeed);
                    update.payload = Some(payload);
                    update
                })
                .await?;
                decoded.map_err(|message| {
                    exec.set_fatal(DurableError::Serdes {
                        operation: op.label(),
                        message,
                    })
                })
            }
            Err(error) if error.is_fatal() => Err(error),
            Err(error) => {
                let object = error.recorded_error();
                exec.checkpoint({
                    let mut update = op.update(OperationAction::Fail);
                    update.error = Some(object.clone());
                    update
                })
                .await?;
                Err(DurableError::ChildContextFailed {
                    name: op.name.as_deref().map(str::to_owned),
                    position: op.path.to_string(),
                    error: Box::new(object),
                })
            }
        }
    }
}
