//! Sagas: steps that each register a compensation; when the saga is compensated, the
//! compensations run as durable steps in reverse order.
//!
//! The compensation list is rebuilt deterministically on every replay (each registration
//! follows a step whose result comes from history), and each compensation is a step of its
//! own, `compensate-<step name>`: one that finished is never run again, even if the
//! invocation dies while later ones run; one interrupted mid-way is retried (its body runs at
//! most once per attempt).

use super::step::{StepContext, StepSemantics};
use super::{DurableContext, Name};
use crate::checkpoint::BoxFuture;
use crate::error::DurableError;
use crate::retry::{RetryPresets, RetryStrategy};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Display;
use std::future::Future;
use std::panic::Location;
use std::sync::Arc;

type Undo = Box<dyn FnOnce(StepContext) -> BoxFuture<'static, Result<(), String>> + Send>;

/// A saga: see [`DurableContext::saga`].
pub struct Saga {
    ctx: DurableContext,
    compensations: Vec<(String, Undo)>,
    retry: Arc<dyn RetryStrategy>,
    step_retry: Option<Arc<dyn RetryStrategy>>,
}

impl std::fmt::Debug for Saga {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.compensations.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Saga").field("compensations", &names).finish()
    }
}

impl DurableContext {
    /// Starts a saga on this context.
    pub fn saga(&self) -> Saga {
        Saga {
            ctx: self.clone(),
            compensations: Vec::new(),
            retry: Arc::new(RetryPresets::default_policy()),
            step_retry: None,
        }
    }
}

impl Saga {
    /// The retry strategy of the compensation steps (default: the SDK default).
    pub fn compensation_retry(mut self, strategy: impl RetryStrategy + 'static) -> Self {
        self.retry = Arc::new(strategy);
        self
    }

    /// The retry strategy of the saga's forward steps (default: the SDK default), e.g.
    /// `RetryPresets::none()` when a failure should compensate at once.
    pub fn step_retry(mut self, strategy: impl RetryStrategy + 'static) -> Self {
        self.step_retry = Some(Arc::new(strategy));
        self
    }

    /// Runs the step `name`; once it succeeded, registers `compensate(result)` to undo it.
    #[track_caller]
    pub fn step<'a, T, E, F, Fut, C, CFut, CE>(
        &'a mut self,
        name: &'a str,
        body: F,
        compensate: C,
    ) -> impl Future<Output = Result<T, DurableError>> + Send + 'a
    where
        T: Serialize + DeserializeOwned + Clone + Send + 'static,
        E: Display + Send + Sync + 'static,
        F: FnOnce(StepContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        C: FnOnce(T, StepContext) -> CFut + Send + 'static,
        CFut: Future<Output = Result<(), CE>> + Send + 'static,
        CE: Display + Send + 'static,
    {
        // A plain fn (not `async`) so `#[track_caller]` names the user's call; the step is
        // still created when the future is first polled.
        let location = Location::caller();
        async move {
            let mut step = self.ctx.step_at(Name::from(name), body, location);
            if let Some(retry) = &self.step_retry {
                step = step.retry_arc(retry.clone());
            }
            let value: T = step.await?;
            let kept = value.clone();
            let undo: Undo = Box::new(move |cx| {
                Box::pin(async move { compensate(kept, cx).await.map_err(|e| e.to_string()) })
            });
            self.compensations.push((name.to_owned(), undo));
            Ok(value)
        }
    }

    /// Names of the registered compensations, in the order they would run.
    pub fn pending(&self) -> Vec<&str> {
        self.compensations.iter().rev().map(|(n, _)| n.as_str()).collect()
    }

    /// Runs every registered compensation, last registered first, each as the durable step
    /// `compensate-<name>`. All are attempted even if one fails; the first failure is
    /// returned afterwards.
    #[track_caller]
    pub fn compensate(self) -> impl Future<Output = Result<(), DurableError>> + Send {
        let location = Location::caller();
        self.compensate_at(location)
    }

    async fn compensate_at(mut self, location: &'static Location<'static>) -> Result<(), DurableError> {
        let mut first_error = None;
        while let Some((name, undo)) = self.compensations.pop() {
            let outcome: Result<(), DurableError> = self
                .ctx
                .step_at(format!("compensate-{name}"), undo, location)
                .semantics(StepSemantics::AtMostOncePerRetry)
                .retry_arc(self.retry.clone())
                .await;
            match outcome {
                Ok(()) => {}
                Err(e) if e.is_fatal() => return Err(e),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            None => Ok(()),
            Some(e) => Err(DurableError::failure(
                "CompensationError",
                format!("a compensation failed after all attempts: {e}"),
            )),
        }
    }
}
