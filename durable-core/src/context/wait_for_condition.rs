//! `ctx.wait_for_condition(..)`: poll a check function with durable waits in between until a
//! wait strategy says stop (PROTOCOL.md §4.11).
//!
//! One STEP operation of sub-type `WaitForCondition`: `START`, then per poll either
//! `RETRY{Payload=state, NextAttemptDelaySeconds}` (the invocation suspends; the state is
//! checkpointed and handed to the next poll) or `SUCCEED{Payload=state}`; a failing check or
//! an exhausted strategy is `FAIL{Error}`.

use super::step::{missing_in_replay, StepContext};
use super::{ContextMode, DurableContext, Name};
use crate::checkpoint::BoxFuture;
use crate::error::{error_object_of, DurableError};
use crate::execution::{Execution, OpIdentity};
use crate::logger::Logger;
use crate::retry::{Jitter, RetryDecision};
use crate::serdes::{JsonSerdes, Serdes};
use crate::wire::{sub_type, ErrorObject, OperationAction, OperationStatus, OperationType, StepOptions};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Display;
use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

/// What a wait strategy decided after a poll.
#[derive(Clone, Debug, PartialEq)]
pub enum WaitDecision {
    /// Poll again after this long (rounded to whole seconds, at least one).
    Continue(Duration),
    /// The condition holds: finish with the current state.
    Stop,
    /// Give up: the operation fails with this error.
    Fail(ErrorObject),
}

/// Decides, from the state a poll produced and the number of polls so far, whether to poll
/// again.
pub trait WaitStrategy<S>: Send + Sync {
    /// Decide.
    fn decide(&self, state: &S, attempts_made: u32) -> WaitDecision;
}

impl<S, F> WaitStrategy<S> for F
where
    F: Fn(&S, u32) -> WaitDecision + Send + Sync,
{
    fn decide(&self, state: &S, attempts_made: u32) -> WaitDecision {
        self(state, attempts_made)
    }
}

type Predicate<S> = Arc<dyn Fn(&S) -> bool + Send + Sync>;

/// The configurable strategy of the official SDKs (`createWaitStrategy`): keep polling while
/// `should_continue(state)`, with exponential backoff and jitter, up to `max_attempts` polls
/// (defaults: 60 attempts, 5 s initial, ×1.5, 300 s cap, full jitter).
pub struct PollingPolicy<S> {
    should_continue: Predicate<S>,
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
    backoff_rate: f64,
    jitter: Jitter,
}

impl<S> PollingPolicy<S> {
    /// Polls while `should_continue` holds for the latest state.
    pub fn until_not(should_continue: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        PollingPolicy {
            should_continue: Arc::new(should_continue),
            max_attempts: 60,
            initial_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(300),
            backoff_rate: 1.5,
            jitter: Jitter::Full,
        }
    }

    /// Most polls in all (the last one fails the operation if the condition still holds).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Delay after the first poll.
    pub fn initial_delay(mut self, d: Duration) -> Self {
        self.initial_delay = d;
        self
    }

    /// Cap on the delay.
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Growth factor of the delay.
    pub fn backoff_rate(mut self, rate: f64) -> Self {
        self.backoff_rate = rate;
        self
    }

    /// Jitter.
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// A fixed delay between polls (no backoff, no jitter).
    pub fn fixed_delay(self, d: Duration) -> Self {
        self.initial_delay(d)
            .max_delay(d)
            .backoff_rate(1.0)
            .jitter(Jitter::None)
    }
}

impl<S> WaitStrategy<S> for PollingPolicy<S> {
    fn decide(&self, state: &S, attempts_made: u32) -> WaitDecision {
        if !(self.should_continue)(state) {
            return WaitDecision::Stop;
        }
        if attempts_made >= self.max_attempts {
            return WaitDecision::Fail(ErrorObject::new(
                "WaitForConditionError",
                format!("the condition was not met after {attempts_made} attempts"),
            ));
        }
        let policy = crate::retry::RetryPolicy::exponential()
            .initial_delay(self.initial_delay)
            .max_delay(self.max_delay)
            .backoff_rate(self.backoff_rate)
            .jitter(self.jitter);
        let base = policy.base_delay(attempts_made).as_secs_f64();
        let jittered = self.jitter.apply(base);
        WaitDecision::Continue(Duration::from_secs_f64(jittered.max(0.0)))
    }
}

/// A wait-for-condition, created by [`DurableContext::wait_for_condition`].
#[must_use = "a wait-for-condition does nothing until it is awaited"]
pub struct WaitForCondition<S, F> {
    ctx: DurableContext,
    op: OpIdentity,
    check: F,
    initial_state: S,
    strategy: Arc<dyn WaitStrategy<S>>,
    serdes: Option<Arc<dyn Serdes<S>>>,
}

impl DurableContext {
    /// Polls `check(state, step_context)` until `strategy` says stop, checkpointing the state
    /// between polls and suspending (no compute) during the delays. Returns the final state.
    #[track_caller]
    pub fn wait_for_condition<S, F, Fut, E>(
        &self,
        name: impl Into<Name>,
        initial_state: S,
        strategy: impl WaitStrategy<S> + 'static,
        check: F,
    ) -> WaitForCondition<S, F>
    where
        S: Serialize + DeserializeOwned + Send + 'static,
        F: FnOnce(S, StepContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<S, E>> + Send + 'static,
        E: Display + Send + Sync + 'static,
    {
        WaitForCondition {
            op: self.new_op(OperationType::Step, sub_type::WAIT_FOR_CONDITION, name.into()),
            ctx: self.clone(),
            check,
            initial_state,
            strategy: Arc::new(strategy),
            serdes: None,
        }
    }
}

impl<S, F> WaitForCondition<S, F> {
    /// Serializes the state with `serdes` instead of JSON.
    pub fn serdes(mut self, serdes: impl Serdes<S> + 'static) -> Self {
        self.serdes = Some(Arc::new(serdes));
        self
    }
}

impl<S, F, Fut, E> IntoFuture for WaitForCondition<S, F>
where
    S: Serialize + DeserializeOwned + Send + 'static,
    F: FnOnce(S, StepContext) -> Fut + Send + 'static,
    Fut: Future<Output = Result<S, E>> + Send + 'static,
    E: Display + Send + Sync + 'static,
{
    type Output = Result<S, DurableError>;
    type IntoFuture = BoxFuture<'static, Result<S, DurableError>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(self))
    }
}

async fn run<S, F, Fut, E>(w: WaitForCondition<S, F>) -> Result<S, DurableError>
where
    S: Serialize + DeserializeOwned + Send + 'static,
    F: FnOnce(S, StepContext) -> Fut + Send + 'static,
    Fut: Future<Output = Result<S, E>> + Send + 'static,
    E: Display + Send + Sync + 'static,
{
    let WaitForCondition {
        ctx,
        op,
        check,
        initial_state,
        strategy,
        serdes,
    } = w;
    let exec = ctx.exec().clone();
    let serdes: Arc<dyn Serdes<S>> = serdes.unwrap_or_else(|| Arc::new(JsonSerdes::new()));
    let mut check = Some(check);
    let mut initial = Some(initial_state);
    loop {
        let record = ctx.lookup(&op)?;
        if ctx.inner.mode == ContextMode::ReplaySucceeded
            && !record.as_ref().is_some_and(|r| r.status.is_terminal())
        {
            return Err(missing_in_replay(&exec, &op));
        }
        let details = record
            .as_ref()
            .and_then(|r| r.step_details.clone())
            .unwrap_or_default();
        match record.as_ref().map(|r| r.status) {
            Some(OperationStatus::Succeeded) => return exec.decode(&op, &*serdes, details.result.as_deref()),
            Some(OperationStatus::Pending) => {
                exec.wait_for(&op.id, |r| r.status != OperationStatus::Pending)
                    .await?;
                continue;
            }
            Some(OperationStatus::Started) => {}
            Some(OperationStatus::Ready) => {
                exec.enqueue(op.update(OperationAction::Start))?;
            }
            None => {
                exec.enqueue(op.update(OperationAction::Start))?;
                crate::telemetry::operation_started(&op);
            }
            Some(_) => {
                let error = details
                    .error
                    .unwrap_or_else(|| ErrorObject::new("WaitForConditionError", "failed"));
                return Err(DurableError::WaitForConditionFailed {
                    name: op.name.as_deref().map(str::to_owned),
                    position: op.path.to_string(),
                    error: Box::new(error),
                });
            }
        }
        // The state the previous poll checkpointed, or the initial state on the first poll.
        let state = match details.result.as_deref() {
            Some(stored) => exec.decode(&op, &*serdes, Some(stored))?,
            None => match initial.take() {
                Some(s) => s,
                None => exec.decode(&op, &*serdes, None)?,
            },
        };
        let Some(check) = check.take() else {
            return Err(exec.set_fatal(DurableError::Validation(format!(
                "wait-for-condition {} polled twice in one invocation",
                op.label()
            ))));
        };
        let attempt = details.attempt.saturating_add(1);
        exec.before_body(&op.id).await?;
        let outcome = {
            let _running = exec.running();
            let logger = Logger::new(exec.clone(), Some(op.id.clone()), op.name.clone(), Some(attempt));
            let span = crate::telemetry::step_span(&op, attempt);
            let check = span.in_scope(|| check(state, StepContext { attempt, logger }));
            check.instrument(span).await
        };
        let new_state = match outcome {
            Ok(s) => s,
            Err(e) => {
                let error = error_object_of(&e);
                return fail(&exec, &op, error).await;
            }
        };
        let payload = exec.encode(&op, &*serdes, &new_state)?;
        match strategy.decide(&new_state, attempt) {
            WaitDecision::Stop => {
                drop(new_state);
                let mut update = op.update(OperationAction::Succeed);
                update.payload = Some(payload.clone());
                exec.checkpoint(update).await?;
                crate::telemetry::operation_ended(&op, OperationStatus::Succeeded);
                return exec.decode(&op, &*serdes, Some(&payload));
            }
            WaitDecision::Continue(delay) => {
                drop(new_state);
                let mut update = op.update(OperationAction::Retry);
                update.payload = Some(payload);
                update.step_options = Some(StepOptions {
                    next_attempt_delay_seconds: Some(RetryDecision::retry(delay).delay_seconds()),
                });
                exec.checkpoint(update).await?;
            }
            WaitDecision::Fail(error) => return fail(&exec, &op, error).await,
        }
    }
}

async fn fail<S>(exec: &Arc<Execution>, op: &OpIdentity, error: ErrorObject) -> Result<S, DurableError> {
    let mut update = op.update(OperationAction::Fail);
    update.error = Some(error.clone());
    exec.checkpoint(update).await?;
    crate::telemetry::operation_ended(op, OperationStatus::Failed);
    Err(DurableError::WaitForConditionFailed {
        name: op.name.as_deref().map(str::to_owned),
        position: op.path.to_string(),
        error: Box::new(error),
    })
}
