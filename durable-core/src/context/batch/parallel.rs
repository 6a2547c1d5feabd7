//! `ctx.parallel(..)`: different branches side by side.

use super::{
    batch_op, BatchConfig, BatchKind, BatchResult, BatchRun, CompletionConfig, ItemBody, ItemSpec, Nesting,
};
use crate::checkpoint::BoxFuture;
use crate::context::{DurableContext, Name};
use crate::error::DurableError;
use crate::execution::OpIdentity;
use crate::serdes::Serdes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::{Future, IntoFuture};
use std::sync::Arc;

/// One branch of a [`Parallel`]: an optional name and a body.
pub struct Branch<T> {
    name: Option<String>,
    body: ItemBody<T>,
}

impl<T: Send + 'static> Branch<T> {
    /// An unnamed branch (named `parallel-branch-<index>`).
    pub fn new<F, Fut>(body: F) -> Self
    where
        F: FnOnce(DurableContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, DurableError>> + Send + 'static,
    {
        Branch {
            name: None,
            body: Box::new(move |c| Box::pin(body(c))),
        }
    }

    /// A named branch.
    pub fn named<F, Fut>(name: impl Into<String>, body: F) -> Self
    where
        F: FnOnce(DurableContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, DurableError>> + Send + 'static,
    {
        Branch {
            name: Some(name.into()),
            body: Box::new(move |c| Box::pin(body(c))),
        }
    }
}

/// A parallel, created by [`DurableContext::parallel`].
#[must_use = "a parallel does nothing until it is awaited"]
pub struct Parallel<T> {
    ctx: DurableContext,
    op: OpIdentity,
    branches: Vec<Branch<T>>,
    config: BatchConfig,
    item_serdes: Option<Arc<dyn Serdes<T>>>,
    serdes: Option<Arc<dyn Serdes<BatchResult<T>>>>,
}

impl DurableContext {
    /// Runs `branches`, each in a child context of its own (`ParallelBranch`), and returns
    /// every branch's outcome in index order.
    #[track_caller]
    pub fn parallel<T>(&self, name: impl Into<Name>, branches: Vec<Branch<T>>) -> Parallel<T>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
    {
        Parallel {
            op: batch_op(self, BatchKind::Parallel, name.into()),
            ctx: self.clone(),
            branches,
            config: BatchConfig::default(),
            item_serdes: None,
            serdes: None,
        }
    }
}

impl<T> Parallel<T> {
    /// At most `n` branches at once (0 is rejected when awaited).
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.config.max_concurrency = Some(n);
        self
    }

    /// When to complete early.
    pub fn completion(mut self, completion: CompletionConfig) -> Self {
        self.config.completion = completion;
        self
    }

    /// How branches are recorded.
    pub fn nesting(mut self, nesting: Nesting) -> Self {
        self.config.nesting = nesting;
        self
    }

    /// Serializes each branch's result with `serdes`.
    pub fn item_serdes(mut self, serdes: impl Serdes<T> + 'static) -> Self {
        self.item_serdes = Some(Arc::new(serdes));
        self
    }

    /// Serializes the whole [`BatchResult`] with `serdes`.
    pub fn serdes(mut self, serdes: impl Serdes<BatchResult<T>> + 'static) -> Self {
        self.serdes = Some(Arc::new(serdes));
        self
    }
}

impl<T> IntoFuture for Parallel<T>
where
    T: Serialize + DeserializeOwned + Send + 'static,
{
    type Output = Result<BatchResult<T>, DurableError>;
    type IntoFuture = BoxFuture<'static, Result<BatchResult<T>, DurableError>>;

    fn into_future(self) -> Self::IntoFuture {
        let Parallel {
            ctx,
            op,
            branches,
            config,
            item_serdes,
            serdes,
        } = self;
        let items = branches
            .into_iter()
            .map(|b| ItemSpec {
                name: b.name,
                body: b.body,
            })
            .collect();
        let run = BatchRun {
            ctx,
            op,
            kind: BatchKind::Parallel,
            items,
            config,
            item_serdes,
            serdes,
        };
        Box::pin(run.run())
    }
}
