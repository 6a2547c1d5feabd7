//! `ctx.map(..)`: the same function over every item of a list.

use super::{batch_op, BatchConfig, BatchKind, BatchResult, BatchRun, CompletionConfig, ItemSpec, Nesting};
use crate::checkpoint::BoxFuture;
use crate::context::{DurableContext, Name};
use crate::error::DurableError;
use crate::execution::OpIdentity;
use crate::serdes::Serdes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::{Future, IntoFuture};
use std::sync::Arc;

type Namer<I> = Arc<dyn Fn(&I, usize) -> String + Send + Sync>;

/// A map, created by [`DurableContext::map`].
#[must_use = "a map does nothing until it is awaited"]
pub struct Map<I, T, F> {
    ctx: DurableContext,
    op: OpIdentity,
    items: Vec<I>,
    body: F,
    config: BatchConfig,
    namer: Option<Namer<I>>,
    item_serdes: Option<Arc<dyn Serdes<T>>>,
    serdes: Option<Arc<dyn Serdes<BatchResult<T>>>>,
}

impl DurableContext {
    /// Runs `body(item_context, item, index)` for every item, each in a child context of its
    /// own (`MapIteration`), and returns every item's outcome in index order. By default all
    /// items may run at once and the first failure stops starting new ones.
    #[track_caller]
    pub fn map<I, T, F, Fut>(&self, name: impl Into<Name>, items: Vec<I>, body: F) -> Map<I, T, F>
    where
        I: Send + 'static,
        T: Serialize + DeserializeOwned + Send + 'static,
        F: Fn(DurableContext, I, usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, DurableError>> + Send + 'static,
    {
        Map {
            op: batch_op(self, BatchKind::Map, name.into()),
            ctx: self.clone(),
            items,
            body,
            config: BatchConfig::default(),
            namer: None,
            item_serdes: None,
            serdes: None,
        }
    }
}

impl<I, T, F> Map<I, T, F> {
    /// At most `n` items at once (0 is rejected when awaited).
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.config.max_concurrency = Some(n);
        self
    }

    /// When to complete early.
    pub fn completion(mut self, completion: CompletionConfig) -> Self {
        self.config.completion = completion;
        self
    }

    /// How items are recorded.
    pub fn nesting(mut self, nesting: Nesting) -> Self {
        self.config.nesting = nesting;
        self
    }

    /// Names each item's context (default `map-item-<index>`).
    pub fn item_namer(mut self, namer: impl Fn(&I, usize) -> String + Send + Sync + 'static) -> Self {
        self.namer = Some(Arc::new(namer));
        self
    }

    /// Serializes each item's result with `serdes`.
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

impl<I, T, F, Fut> IntoFuture for Map<I, T, F>
where
    I: Send + 'static,
    T: Serialize + DeserializeOwned + Send + 'static,
    F: Fn(DurableContext, I, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, DurableError>> + Send + 'static,
{
    type Output = Result<BatchResult<T>, DurableError>;
    type IntoFuture = BoxFuture<'static, Result<BatchResult<T>, DurableError>>;

    fn into_future(self) -> Self::IntoFuture {
        let Map {
            ctx,
            op,
            items,
            body,
            config,
            namer,
            item_serdes,
            serdes,
        } = self;
        let body = Arc::new(body);
        let items = items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                let name = namer.as_ref().map(|n| n(&item, index));
                let body = body.clone();
                let run: super::ItemBody<T> =
                    Box::new(move |c: DurableContext| Box::pin(body(c, item, index)));
                ItemSpec { name, body: run }
            })
            .collect();
        let run = BatchRun {
            ctx,
            op,
            kind: BatchKind::Map,
            items,
            config,
            item_serdes,
            serdes,
        };
        Box::pin(run.run())
    }
}
