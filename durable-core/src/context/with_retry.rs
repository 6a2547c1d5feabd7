//! `ctx.with_retry(..)`: retry a whole block (not just one step) with durable backoff waits
//! between attempts (PROTOCOL.md §4.4).
//!
//! One child context named after the block holds, per attempt, a child context
//! `<name>-attempt-<n>` running the block, and between attempts a durable wait
//! `<name>-backoff-<n>`. Failed attempts replay as failed; nothing re-runs.

use super::{DurableContext, Name};
use crate::error::DurableError;
use crate::retry::{RetryStrategy, StepFailure};
use crate::wire::sub_type;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::{Future, IntoFuture};
use std::panic::Location;
use std::sync::Arc;

impl DurableContext {
    /// Runs `block(attempt_context, attempt)` until it succeeds or `strategy` gives up,
    /// waiting durably between attempts.
    #[track_caller]
    pub fn with_retry<T, F, Fut>(
        &self,
        name: impl Into<Name>,
        strategy: impl RetryStrategy + 'static,
        block: F,
    ) -> impl IntoFuture<Output = Result<T, DurableError>, IntoFuture = super::DurableFuture<T>>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: Fn(DurableContext, u32) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, DurableError>> + Send + 'static,
    {
        let name: Name = name.into();
        let label = name.0.clone().unwrap_or_else(|| "with-retry".to_owned());
        let strategy: Arc<dyn RetryStrategy> = Arc::new(strategy);
        let block = Arc::new(block);
        // Attempts and backoffs are created inside the block's context: reported here.
        let location = Location::caller();
        self.run_in_child_context(name, move |ctx: DurableContext| async move {
            let mut attempt = 1u32;
            loop {
                let run = block.clone();
                let outcome = ctx
                    .child_with_sub_type_at(
                        format!("{label}-attempt-{attempt}"),
                        sub_type::RUN_IN_CHILD_CONTEXT,
                        move |c: DurableContext| run(c, attempt),
                        location,
                    )
                    .await;
                let error = match outcome {
                    Ok(value) => return Ok(value),
                    Err(e) if e.is_fatal() => return Err(e),
                    Err(DurableError::ChildContextFailed { error, .. }) => *error,
                    Err(e) => e.error_object(),
                };
                let decision = strategy.decide(
                    &StepFailure {
                        error: &error,
                        source: None,
                    },
                    attempt,
                );
                if !decision.should_retry {
                    return Err(DurableError::Failed(Box::new(error)));
                }
                let delay = std::time::Duration::from_secs(u64::from(decision.delay_seconds()));
                // The strategy may jitter the delay at random: only the recorded one matters.
                ctx.wait_at(format!("{label}-backoff-{attempt}"), delay, location)
                    .untraced_duration()
                    .await?;
                attempt += 1;
            }
        })
    }
}
