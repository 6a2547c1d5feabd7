//! Combinators over durable futures (PROTOCOL.md §4.12): `all`, `all_settled`, `any`, `race`.
//!
//! Each takes futures already created (so they keep the ids they got at creation), awaits
//! them together inside one child context of its own, and checkpoints the combined outcome;
//! a replay returns the recorded outcome without polling the inputs again.

use super::{DurableContext, Name};
use crate::error::DurableError;
use crate::wire::{sub_type, ErrorObject};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::Poll;

/// The outcome of one input of [`DurableContext::all_settled`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum Settled<T> {
    /// It succeeded.
    Fulfilled {
        /// Its value.
        value: T,
    },
    /// It failed.
    Rejected {
        /// Its error.
        reason: ErrorObject,
    },
}

type Boxed<T> = Pin<Box<dyn Future<Output = Result<T, DurableError>> + Send>>;

/// Polls every input; calls `on_done(index, outcome)` as each finishes until it returns
/// `Some` (the combined result) or all are done (`finish` builds the result).
async fn drive<T, R>(
    inputs: Vec<Boxed<T>>,
    mut on_done: impl FnMut(usize, Result<T, DurableError>) -> Option<Result<R, DurableError>>,
    finish: impl FnOnce() -> Result<R, DurableError>,
) -> Result<R, DurableError> {
    let mut slots: Vec<Option<Boxed<T>>> = inputs.into_iter().map(Some).collect();
    let mut finish = Some(finish);
    std::future::poll_fn(move |cx| {
        let mut pending = false;
        for (i, slot) in slots.iter_mut().enumerate() {
            let Some(f) = slot.as_mut() else { continue };
            match f.as_mut().poll(cx) {
                Poll::Ready(outcome) => {
                    *slot = None;
                    if let Err(e) = &outcome {
                        if e.is_fatal() {
                            return Poll::Ready(Err(e.clone()));
                        }
                    }
                    if let Some(done) = on_done(i, outcome) {
                        return Poll::Ready(done);
                    }
                }
                Poll::Pending => pending = true,
            }
        }
        if pending {
            return Poll::Pending;
        }
        match finish.take() {
            Some(f) => Poll::Ready(f()),
            None => Poll::Pending,
        }
    })
    .await
}

fn boxed<T, F>(inputs: Vec<F>) -> Vec<Boxed<T>>
where
    F: IntoFuture<Output = Result<T, DurableError>>,
    F::IntoFuture: Send + 'static,
{
    inputs
        .into_iter()
        .map(|f| Box::pin(f.into_future()) as Boxed<T>)
        .collect()
}

impl DurableContext {
    /// All inputs' values, in input order; fails with the first failure.
    #[track_caller]
    pub fn all<T, F>(
        &self,
        name: impl Into<Name>,
        inputs: Vec<F>,
    ) -> impl IntoFuture<Output = Result<Vec<T>, DurableError>, IntoFuture = super::DurableFuture<Vec<T>>>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: IntoFuture<Output = Result<T, DurableError>>,
        F::IntoFuture: Send + 'static,
    {
        let inputs = boxed(inputs);
        self.child_with_sub_type(
            name,
            sub_type::RUN_IN_CHILD_CONTEXT,
            move |_c: DurableContext| async move {
                let mut values: Vec<Option<T>> = (0..inputs.len()).map(|_| None).collect();
                let mut slots = std::mem::take(&mut values);
                let done = drive(
                    inputs,
                    |i, outcome| match outcome {
                        Ok(v) => {
                            slots[i] = Some(v);
                            None
                        }
                        Err(e) => Some(Err(e)),
                    },
                    || Ok(()),
                )
                .await;
                done?;
                Ok(slots.into_iter().flatten().collect::<Vec<T>>())
            },
        )
    }

    /// Every input's outcome, in input order; never fails on an input's failure.
    #[track_caller]
    pub fn all_settled<T, F>(
        &self,
        name: impl Into<Name>,
        inputs: Vec<F>,
    ) -> impl IntoFuture<
        Output = Result<Vec<Settled<T>>, DurableError>,
        IntoFuture = super::DurableFuture<Vec<Settled<T>>>,
    >
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: IntoFuture<Output = Result<T, DurableError>>,
        F::IntoFuture: Send + 'static,
    {
        let inputs = boxed(inputs);
        self.child_with_sub_type(
            name,
            sub_type::RUN_IN_CHILD_CONTEXT,
            move |_c: DurableContext| async move {
                let mut slots: Vec<Option<Settled<T>>> = (0..inputs.len()).map(|_| None).collect();
                drive(
                    inputs,
                    |i, outcome| {
                        slots[i] = Some(match outcome {
                            Ok(value) => Settled::Fulfilled { value },
                            Err(e) => Settled::Rejected {
                                reason: e.error_object(),
                            },
                        });
                        None
                    },
                    || Ok(()),
                )
                .await?;
                Ok(slots.into_iter().flatten().collect::<Vec<_>>())
            },
        )
    }

    /// The first input to succeed; fails only if every input fails.
    #[track_caller]
    pub fn any<T, F>(
        &self,
        name: impl Into<Name>,
        inputs: Vec<F>,
    ) -> impl IntoFuture<Output = Result<T, DurableError>, IntoFuture = super::DurableFuture<T>>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: IntoFuture<Output = Result<T, DurableError>>,
        F::IntoFuture: Send + 'static,
    {
        let inputs = boxed(inputs);
        self.child_with_sub_type(
            name,
            sub_type::RUN_IN_CHILD_CONTEXT,
            move |_c: DurableContext| async move {
                let errors = std::sync::Mutex::new(Vec::new());
                let count = inputs.len();
                drive(
                    inputs,
                    |_, outcome| match outcome {
                        Ok(v) => Some(Ok(v)),
                        Err(e) => {
                            errors
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .push(e.error_object().to_string());
                            None
                        }
                    },
                    || {
                        let errors = errors.lock().unwrap_or_else(|p| p.into_inner());
                        Err(DurableError::failure(
                            "PromiseCombinatorError",
                            format!("all {count} inputs failed: {}", errors.join("; ")),
                        ))
                    },
                )
                .await
            },
        )
    }

    /// The first input to finish, success or failure.
    #[track_caller]
    pub fn race<T, F>(
        &self,
        name: impl Into<Name>,
        inputs: Vec<F>,
    ) -> impl IntoFuture<Output = Result<T, DurableError>, IntoFuture = super::DurableFuture<T>>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: IntoFuture<Output = Result<T, DurableError>>,
        F::IntoFuture: Send + 'static,
    {
        let inputs = boxed(inputs);
        self.child_with_sub_type(
            name,
            sub_type::RUN_IN_CHILD_CONTEXT,
            move |_c: DurableContext| async move {
                drive(
                    inputs,
                    |_, outcome| Some(outcome),
                    || {
                        Err(DurableError::Validation(
                            "race over no inputs never finishes".into(),
                        ))
                    },
                )
                .await
            },
        )
    }
}
