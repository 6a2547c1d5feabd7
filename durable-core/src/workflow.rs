//! The [`Workflow`] trait every runtime runs, and [`workflow_fn`] to make one from a closure.
//! `#[durable_workflow]` generates an implementation of the same trait.

use crate::checkpoint::BoxFuture;
use crate::context::DurableContext;
use crate::error::DurableError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::marker::PhantomData;

/// A durable workflow: a name, typed input and output, and a body.
pub trait Workflow: Send + Sync + 'static {
    /// The input, deserialized from the execution's JSON payload.
    type Input: DeserializeOwned + Send + 'static;
    /// The result, serialized as the execution's JSON result.
    type Output: Serialize + Send + 'static;

    /// The workflow's name (function name on Lambda, registration key locally).
    fn name(&self) -> &str;

    /// Runs the body.
    fn run(
        &self,
        ctx: DurableContext,
        input: Self::Input,
    ) -> BoxFuture<'static, Result<Self::Output, DurableError>>;
}

/// A workflow made from an async closure; see [`workflow_fn`].
pub struct FnWorkflow<I, O, F> {
    name: String,
    body: F,
    _types: PhantomData<fn(I) -> O>,
}

/// Makes a [`Workflow`] from a name and an async closure `|ctx, input| async move { .. }`.
pub fn workflow_fn<I, O, F, Fut>(name: impl Into<String>, body: F) -> FnWorkflow<I, O, F>
where
    F: Fn(DurableContext, I) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, DurableError>> + Send + 'static,
    I: DeserializeOwned + Send + 'static,
    O: Serialize + Send + 'static,
{
    FnWorkflow {
        name: name.into(),
        body,
        _types: PhantomData,
    }
}

impl<I, O, F, Fut> Workflow for FnWorkflow<I, O, F>
where
    F: Fn(DurableContext, I) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, DurableError>> + Send + 'static,
    I: DeserializeOwned + Send + 'static,
    O: Serialize + Send + 'static,
{
    type Input = I;
    type Output = O;

    fn name(&self) -> &str {
        &self.name
    }

    fn run(&self, ctx: DurableContext, input: I) -> BoxFuture<'static, Result<O, DurableError>> {
        Box::pin((self.body)(ctx, input))
    }
}
