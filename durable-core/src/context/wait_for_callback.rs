//! `ctx.wait_for_callback(..)`: create a callback, hand its id to a submitter that runs as a
//! retried step, and wait for the answer — all inside one child context of sub-type
//! `WaitForCallback` (PROTOCOL.md §4.2, §4.6):
//! CONTEXT `START` → CALLBACK `START` → STEP `START`/`SUCCEED` (submitter) → … answer … →
//! CONTEXT `SUCCEED{Payload}`.

use super::step::StepContext;
use super::{DurableContext, Name};
use crate::checkpoint::BoxFuture;
use crate::error::DurableError;
use crate::retry::RetryStrategy;
use crate::serdes::Serdes;
use crate::wire::{sub_type, ErrorObject};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Display;
use std::future::{Future, IntoFuture};
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

/// A wait-for-callback, created by [`DurableContext::wait_for_callback`].
#[must_use = "a wait-for-callback does nothing until it is awaited"]
pub struct WaitForCallback<T, F> {
    ctx: DurableContext,
    name: Name,
    submitter: F,
    timeout: Option<Duration>,
    heartbeat_timeout: Option<Duration>,
    retry: Option<Arc<dyn RetryStrategy>>,
    serdes: Option<Arc<dyn Serdes<T>>>,
    /// The call that created it: its context, callback and submitter step are created when
    /// it is awaited, and reported here.
    location: &'static Location<'static>,
}

impl DurableContext {
    /// Creates a callback, runs `submitter(callback_id, step_context)` as a step (retried per
    /// [`WaitForCallback::retry`]) to hand the id to an external system, then waits for the
    /// answer, deserialized as `T`.
    ///
    /// Errors: [`DurableError::CallbackTimedOut`] / [`DurableError::CallbackFailed`] for the
    /// callback, [`DurableError::CallbackSubmitterFailed`] when the submitter gives up.
    #[track_caller]
    pub fn wait_for_callback<T, F, Fut, E>(
        &self,
        name: impl Into<Name>,
        submitter: F,
    ) -> WaitForCallback<T, F>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: FnOnce(String, StepContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Display + Send + Sync + 'static,
    {
        WaitForCallback {
            ctx: self.clone(),
            name: name.into(),
            submitter,
            timeout: None,
            heartbeat_timeout: None,
            retry: None,
            serdes: None,
            location: Location::caller(),
        }
    }
}

impl<T, F> WaitForCallback<T, F> {
    /// Overall timeout of the callback.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Heartbeat timeout of the callback.
    pub fn heartbeat_timeout(mut self, d: Duration) -> Self {
        self.heartbeat_timeout = Some(d);
        self
    }

    /// Retry strategy of the submitter step.
    pub fn retry(mut self, strategy: impl RetryStrategy + 'static) -> Self {
        self.retry = Some(Arc::new(strategy));
        self
    }

    /// Deserializes the answer with `serdes`.
    pub fn serdes(mut self, serdes: impl Serdes<T> + 'static) -> Self {
        self.serdes = Some(Arc::new(serdes));
        self
    }
}

impl<T, F, Fut, E> IntoFuture for WaitForCallback<T, F>
where
    T: Serialize + DeserializeOwned + Send + 'static,
    F: FnOnce(String, StepContext) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Display + Send + Sync + 'static,
{
    type Output = Result<T, DurableError>;
    type IntoFuture = BoxFuture<'static, Result<T, DurableError>>;

    fn into_future(self) -> Self::IntoFuture {
        let WaitForCallback {
            ctx,
            name,
            submitter,
            timeout,
            heartbeat_timeout,
            retry,
            serdes,
            location,
        } = self;
        let label = name.0.clone();
        let label_inner = label.clone();
        let inner_serdes = serdes.clone();
        let body = move |child: DurableContext| async move {
            let mut create = child.create_callback_at::<T>((), location);
            if let Some(d) = timeout {
                create = create.timeout(d);
            }
            if let Some(d) = heartbeat_timeout {
                create = create.heartbeat_timeout(d);
            }
            if let Some(s) = inner_serdes {
                create = create.serdes_arc(s);
            }
            let callback = create.await?;
            let id = callback.id().to_owned();
            let mut step = child.step_at((), move |s| submitter(id, s), location);
            if let Some(r) = retry {
                step = step.retry_arc(r);
            }
            let submitted: Result<(), DurableError> = step.await;
            if let Err(DurableError::StepFailed { error, position, .. }) = submitted {
                return Err(DurableError::CallbackSubmitterFailed {
                    name: None,
                    position,
                    error,
                });
            }
            submitted?;
            // Named after the wait-for-callback: its inner callback has no name of its own.
            callback.result().await.map_err(|e| match e {
                DurableError::InvalidPayload {
                    kind,
                    position,
                    message,
                    ..
                } => DurableError::InvalidPayload {
                    kind,
                    name: label_inner.clone(),
                    position,
                    message,
                },
                other => other,
            })
        };
        let child = ctx
            .child_with_sub_type_at(name, sub_type::WAIT_FOR_CALLBACK, body, location)
            .serdes_arc(serdes);
        Box::pin(async move {
            match child.await {
                Err(DurableError::ChildContextFailed { error, position, .. }) => {
                    Err(classify(label, position, *error))
                }
                other => other,
            }
        })
    }
}

/// Rebuilds the typed error from the error recorded on the WaitForCallback context, so a
/// replay raises the same error as the first run.
fn classify(name: Option<String>, position: String, error: ErrorObject) -> DurableError {
    if let Some(invalid) = DurableError::invalid_payload_from(&error, name.clone()) {
        return invalid;
    }
    let error = Box::new(error);
    match error.type_name() {
        "Callback.Timeout" | "Callback.Heartbeat" => DurableError::CallbackTimedOut {
            name,
            position,
            error,
        },
        "CallbackSubmitterError" => DurableError::CallbackSubmitterFailed {
            name,
            position,
            error,
        },
        _ => DurableError::CallbackFailed {
            name,
            position,
            error,
        },
    }
}
