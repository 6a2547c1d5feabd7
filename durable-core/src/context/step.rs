//! `ctx.step(..)`: run a closure once and checkpoint its result (PROTOCOL.md §4.2, §4.3).
//!
//! Checkpoint sequence: `START` (not awaited for at-least-once, awaited for at-most-once),
//! then `SUCCEED{Payload}`, `RETRY{Error, NextAttemptDelaySeconds}` or `FAIL{Error}`, each
//! awaited. A retry suspends the invocation; the service re-invokes once the retry timer
//! fires and marks the step `READY`.

use super::{ContextMode, DurableContext, Name};
use crate::checkpoint::BoxFuture;
use crate::config::{MockOutcome, StepRef};
use crate::error::{error_object_of, DurableError};
use crate::execution::{Execution, OpIdentity};
use crate::limits::MAX_OPERATION_PAYLOAD_BYTES;
use crate::logger::Logger;
use crate::retry::{RetryPresets, RetryStrategy, StepFailure};
use crate::serdes::{JsonSerdes, Serdes, SerdesContext};
use crate::wire::{sub_type, ErrorObject, OperationAction, OperationStatus, OperationType, StepOptions};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Display;
use std::future::{Future, IntoFuture};
use std::panic::Location;
use std::sync::Arc;
use tracing::Instrument;

/// How often a step body may run per attempt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StepSemantics {
    /// The body may run again if the invocation dies before its result is checkpointed
    /// (the default; `START` is not awaited).
    #[default]
    AtLeastOncePerRetry,
    /// The body runs at most once per attempt: `START` is checkpointed before it runs, and an
    /// attempt found `STARTED` on replay is treated as failed (`StepInterruptedError`) and
    /// handed to the retry strategy instead of being re-run.
    AtMostOncePerRetry,
}

/// What a step body receives.
#[derive(Clone, Debug)]
pub struct StepContext {
    /// The attempt number, starting at 1.
    pub attempt: u32,
    /// A logger tagged with the step (step bodies only run live, so it never drops records).
    pub logger: Logger,
}

/// A step, ready to be configured and awaited. Created by [`DurableContext::step`].
#[must_use = "a step does nothing until it is awaited"]
pub struct Step<T, F> {
    ctx: DurableContext,
    op: OpIdentity,
    body: F,
    retry: Option<Arc<dyn RetryStrategy>>,
    semantics: StepSemantics,
    serdes: Option<Arc<dyn Serdes<T>>>,
}

impl DurableContext {
    /// Creates a step named `name` whose body is `body`. Await it to run it (or, on replay,
    /// to get its recorded result).
    ///
    /// The body may do anything: I/O, clocks, randomness. It runs once per attempt and its
    /// result is checkpointed; later replays return the recorded value. Errors go to the
    /// retry strategy (default: 6 attempts, 5 s initial delay, ×2, 60 s cap, full jitter);
    /// when it gives up the step fails with [`DurableError::StepFailed`].
    #[track_caller]
    pub fn step<T, E, F, Fut>(&self, name: impl Into<Name>, body: F) -> Step<T, F>
    where
        F: FnOnce(StepContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Serialize + DeserializeOwned + Send + 'static,
        E: Display + Send + Sync + 'static,
    {
        self.step_at(name, body, Location::caller())
    }

    /// [`DurableContext::step`], created by the code at `location` (for steps the SDK creates
    /// on the user's behalf inside futures, where `#[track_caller]` cannot reach).
    pub(crate) fn step_at<T, E, F, Fut>(
        &self,
        name: impl Into<Name>,
        body: F,
        location: &'static Location<'static>,
    ) -> Step<T, F>
    where
        F: FnOnce(StepContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Serialize + DeserializeOwned + Send + 'static,
        E: Display + Send + Sync + 'static,
    {
        Step {
            op: self.new_op_at(OperationType::Step, sub_type::STEP, name.into(), location),
            ctx: self.clone(),
            body,
            retry: None,
            semantics: StepSemantics::default(),
            serdes: None,
        }
    }
}

impl<T, F> Step<T, F> {
    /// Uses `strategy` to decide about retries.
    pub fn retry(mut self, strategy: impl RetryStrategy + 'static) -> Self {
        self.retry = Some(Arc::new(strategy));
        self
    }

    /// Uses a shared strategy.
    pub fn retry_arc(mut self, strategy: Arc<dyn RetryStrategy>) -> Self {
        self.retry = Some(strategy);
        self
    }

    /// Sets the step semantics.
    pub fn semantics(mut self, semantics: StepSemantics) -> Self {
        self.semantics = semantics;
        self
    }

    /// Serializes the result with `serdes` instead of JSON.
    pub fn serdes(mut self, serdes: impl Serdes<T> + 'static) -> Self {
        self.serdes = Some(Arc::new(serdes));
        self
    }

    /// Serializes the result with a shared serdes.
    pub fn serdes_arc(mut self, serdes: Arc<dyn Serdes<T>>) -> Self {
        self.serdes = Some(serdes);
        self
    }
}

impl<T, E, F, Fut> IntoFuture for Step<T, F>
where
    F: FnOnce(StepContext) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Serialize + DeserializeOwned + Send + 'static,
    E: Display + Send + Sync + 'static,
{
    type Output = Result<T, DurableError>;
    type IntoFuture = BoxFuture<'static, Result<T, DurableError>>;

    fn into_future(self) -> Self::IntoFuture {
        // Taken apart here, not in `run`: an async fn keeps its arguments for its whole life,
        // so destructuring inside it would hold every field twice in the (boxed) future.
        let Step {
            ctx,
            op,
            body,
            retry,
            semantics,
            serdes,
        } = self;
        Box::pin(run(ctx, op, body, retry, semantics, serdes))
    }
}

// Not an async fn on purpose (see the comment in the body).
#[allow(clippy::manual_async_fn)]
fn run<T, E, F, Fut>(
    ctx: DurableContext,
    op: OpIdentity,
    body: F,
    retry: Option<Arc<dyn RetryStrategy>>,
    semantics: StepSemantics,
    serdes: Option<Arc<dyn Serdes<T>>>,
) -> impl Future<Output = Result<T, DurableError>> + Send + 'static
where
    F: FnOnce(StepContext) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Serialize + DeserializeOwned + Send + 'static,
    E: Display + Send + Sync + 'static,
{
    // An async block, not an async fn: an async fn moves its arguments into locals and keeps
    // both copies in its state; the block uses what it captures in place.
    async move {
        let exec = ctx.exec().clone();
        // The defaults are borrowed, not shared behind a fresh `Arc` per step: JSON is a unit
        // value, and the default retry policy is only built when an attempt fails.
        let json = JsonSerdes::<T>::new();
        let serdes: &dyn Serdes<T> = serdes.as_deref().unwrap_or(&json);
        let retry: Option<&dyn RetryStrategy> = retry.as_deref();
        let mut body = Some(body);
        loop {
            let record = ctx.lookup(&op)?;
            if ctx.inner.mode == ContextMode::ReplaySucceeded
                && !record.as_ref().is_some_and(|r| r.status.is_terminal())
            {
                return Err(missing_in_replay(&exec, &op));
            }
            let attempt = record
                .as_ref()
                .and_then(|r| r.step_details.as_ref())
                .map_or(0, |d| d.attempt)
                .saturating_add(1);
            match record.as_ref().map(|r| r.status) {
                Some(OperationStatus::Succeeded) => {
                    return exec.decode(&op, serdes, record.as_ref().and_then(|r| r.result()));
                }
                Some(OperationStatus::Pending) => {
                    // Waiting for the retry timer: park until the service marks it READY.
                    exec.wait_for(&op.id, |r| r.status != OperationStatus::Pending)
                        .await?;
                    continue;
                }
                Some(OperationStatus::Started) if semantics == StepSemantics::AtMostOncePerRetry => {
                    // The previous attempt began but never reported: it may have had its effect.
                    let error = ErrorObject::new(
                        "StepInterruptedError",
                        format!(
                            "step {} was interrupted during attempt {attempt} and is not re-run (at-most-once)",
                            op.label()
                        ),
                    );
                    finish_failure(&exec, &op, retry, error, None, attempt).await?;
                    continue;
                }
                Some(OperationStatus::Started) => {
                    // An at-least-once attempt was interrupted: run it again without a new START.
                }
                Some(OperationStatus::Ready) | None => match semantics {
                    StepSemantics::AtLeastOncePerRetry => {
                        exec.enqueue(op.update(OperationAction::Start))?;
                    }
                    StepSemantics::AtMostOncePerRetry => {
                        exec.checkpoint(op.update(OperationAction::Start)).await?;
                    }
                },
                Some(_) => {
                    // FAILED, or a status a step cannot have: surface the recorded error.
                    let error = record
                        .as_ref()
                        .and_then(|r| r.error().cloned())
                        .unwrap_or_else(|| ErrorObject::new("StepError", "step ended without a result"));
                    return Err(DurableError::StepFailed {
                        name: op.name.as_deref().map(str::to_owned),
                        position: op.path.to_string(),
                        error: Box::new(error),
                    });
                }
            }

            let Some(body) = body.take() else {
                // A second live attempt in one invocation cannot happen: a retry always suspends
                // until the service marks the step READY in a later invocation.
                return Err(exec.set_fatal(DurableError::Validation(format!(
                    "step {} was asked to run twice in one invocation",
                    op.label()
                ))));
            };
            exec.before_body(&op.id).await?;
            let outcome = execute(&ctx, &op, attempt, body).await;
            match outcome {
                Ok(value) => return succeed(&exec, &op, serdes, value).await,
                Err((error, source)) => {
                    let source_ref = source.as_deref().map(|s| s as &(dyn std::any::Any + Send + Sync));
                    finish_failure(&exec, &op, retry, error, source_ref, attempt).await?;
                    drop(source);
                }
            }
        }
    }
}

type LiveError = (ErrorObject, Option<Box<dyn std::any::Any + Send + Sync>>);

/// Runs the body (or its mock) and converts its error to the wire form.
async fn execute<T, E, F, Fut>(
    ctx: &DurableContext,
    op: &OpIdentity,
    attempt: u32,
    body: F,
) -> Result<T, LiveError>
where
    F: FnOnce(StepContext) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    T: DeserializeOwned,
    E: Display + Send + Sync + 'static,
{
    let exec = ctx.exec();
    let _running = exec.running();
    let mock = exec
        .config
        .step_interceptor
        .as_ref()
        .filter(|i| !i.is_idle())
        .and_then(|i| {
            let path = ctx.path_of(op.name.as_deref());
            let step = StepRef {
                name: op.name.as_deref(),
                path: &path,
                id: &op.id,
            };
            i.intercept(&step, attempt)
        });
    if let Some(mock) = mock {
        return match mock {
            MockOutcome::Succeed(v) => serde_json::from_value(v).map_err(|e| {
                (
                    ErrorObject::new(
                        "MockError",
                        format!("mocked result does not fit the step's type: {e}"),
                    ),
                    None,
                )
            }),
            MockOutcome::Fail(e) => Err((e, None)),
        };
    }
    let logger = Logger::new(exec.clone(), Some(op.id.clone()), op.name.clone(), Some(attempt));
    let plugins = &exec.config.plugins;
    // The body runs in the attempt's span: what it (and the closure creating it) records
    // with `tracing` lands there.
    let span = crate::telemetry::step_span(op, attempt);
    let body = span.in_scope(|| {
        crate::plugin::notify(plugins, |p| p.on_attempt_start(&op.info(&exec.arn), attempt));
        body(StepContext { attempt, logger })
    });
    // The span lives in the instrumented future only, and the hook info is built again
    // after the body: neither is kept twice across the await in the (boxed) step future.
    let mut running = std::pin::pin!(body.instrument(span));
    let outcome = match running.as_mut().await {
        Ok(v) => Ok(v),
        Err(e) => {
            let object = error_object_of(&e);
            Err((object, Some(Box::new(e) as Box<dyn std::any::Any + Send + Sync>)))
        }
    };
    let info = op.info(&exec.arn);
    running.span().in_scope(|| {
        let reported = match &outcome {
            Ok(_) => crate::plugin::AttemptOutcome::Succeeded,
            Err((error, _)) => {
                crate::telemetry::attempt_failed(error);
                crate::plugin::AttemptOutcome::Failed(error)
            }
        };
        crate::plugin::notify(plugins, |p| p.on_attempt_end(&info, attempt, &reported));
    });
    outcome
}

async fn succeed<T>(
    exec: &Arc<Execution>,
    op: &OpIdentity,
    serdes: &dyn Serdes<T>,
    value: T,
) -> Result<T, DurableError> {
    let payload = exec.encode(op, serdes, &value)?;
    // The live value is replaced by its round-tripped copy below; it need not cross an await.
    drop(value);
    if payload.len() > MAX_OPERATION_PAYLOAD_BYTES {
        // The result cannot be recorded, and running the step again would produce the same
        // result: fail the step (not retried) with a clear error.
        let err = DurableError::PayloadTooLarge {
            operation: format!("step {}", op.label()),
            size: payload.len(),
            limit: MAX_OPERATION_PAYLOAD_BYTES,
        };
        exec.checkpoint(update_with(op, OperationAction::Fail, |u| {
            u.error = Some(err.error_object());
        }))
        .await?;
        return Err(DurableError::StepFailed {
            name: op.name.as_deref().map(str::to_owned),
            position: op.path.to_string(),
            error: Box::new(err.error_object()),
        });
    }
    // Round-trip so the live value is exactly what a replay will produce. Decoded before the
    // payload moves into the update (no copy of it); a decoding failure still only becomes
    // fatal once the result is checkpointed, as a replay would find it.
    let cx = SerdesContext {
        operation_id: &op.id,
        durable_execution_arn: &exec.arn,
    };
    let decoded = serdes.deserialize(Some(&payload), cx);
    exec.checkpoint(update_with(op, OperationAction::Succeed, |u| {
        u.payload = Some(payload)
    }))
    .await?;
    decoded.map_err(|message| {
        exec.set_fatal(DurableError::Serdes {
            operation: op.label(),
            message,
        })
    })
}

/// Asks the strategy; checkpoints RETRY (the caller then parks until READY) or FAIL.
fn finish_failure<'a>(
    exec: &'a Arc<Execution>,
    op: &OpIdentity,
    retry: Option<&dyn RetryStrategy>,
    mut error: ErrorObject,
    source: Option<&(dyn std::any::Any + Send + Sync)>,
    attempt: u32,
) -> impl Future<Output = Result<(), DurableError>> + Send + 'a {
    // Everything up to the checkpoint happens now; the future holds only what is returned
    // after it (the update, the retry policy and the error do not live in the step's future).
    if error.encoded_len() > crate::limits::MAX_ERROR_BYTES {
        let message: String = error.message().chars().take(16 * 1024).collect();
        error = ErrorObject {
            error_message: Some(message),
            error_data: None,
            stack_trace: None,
            ..error
        };
    }
    let default_policy;
    let retry = match retry {
        Some(r) => r,
        None => {
            default_policy = RetryPresets::default_policy();
            &default_policy
        }
    };
    let decision = retry.decide(
        &StepFailure {
            error: &error,
            source,
        },
        attempt,
    );
    let (ack, failed) = if decision.should_retry {
        let update = update_with(op, OperationAction::Retry, |u| {
            u.error = Some(error);
            u.step_options = Some(StepOptions {
                next_attempt_delay_seconds: Some(decision.delay_seconds()),
            });
        });
        (exec.checkpoint(update), None)
    } else {
        let update = update_with(op, OperationAction::Fail, |u| u.error = Some(error.clone()));
        let failed = DurableError::StepFailed {
            name: op.name.as_deref().map(str::to_owned),
            position: op.path.to_string(),
            error: Box::new(error),
        };
        (exec.checkpoint(update), Some(failed))
    };
    async move {
        ack.await?;
        failed.map_or(Ok(()), Err)
    }
}

/// `op`'s update for `action`, completed by `fill`. Built as the argument of
/// `Execution::checkpoint`, so it never lives in an async fn's state across an await.
fn update_with(
    op: &OpIdentity,
    action: OperationAction,
    fill: impl FnOnce(&mut crate::wire::OperationUpdate),
) -> crate::wire::OperationUpdate {
    let mut update = op.update(action);
    fill(&mut update);
    update
}

pub(crate) fn missing_in_replay(exec: &Execution, op: &OpIdentity) -> DurableError {
    exec.set_fatal(DurableError::NonDeterministic(Box::new(
        crate::error::NonDeterminism {
            position: op.path.to_string(),
            id: op.id.to_string(),
            expected: crate::error::describe(
                op.op_type,
                op.name.as_deref(),
                Some(op.sub_type),
                op.parent_id.as_deref(),
            ),
            actual: "no completed record while rebuilding a large child-context result".to_owned(),
        },
    )))
}
