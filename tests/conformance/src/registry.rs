//! Maps requirement ids to the Rust handlers that implement them. Public so another crate can
//! register its own handlers (or replace ours) and run them through the same harness.

use durable_runtime::{BoxFuture, DurableContext, DurableError, LogSink, Plugin, Workflow};
use serde_json::Value;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

type HandlerFn =
    dyn Fn(DurableContext, Value) -> BoxFuture<'static, Result<Value, DurableError>> + Send + Sync;

/// Builds the plugins a handler runs with, given the sink their records must go to (so a
/// backend can collect them with the execution's logs).
pub type PluginFactory = dyn Fn(Arc<dyn LogSink>) -> Vec<Arc<dyn Plugin>> + Send + Sync;

/// A conformance handler: a workflow over JSON input and output, and optionally plugins.
#[derive(Clone)]
pub struct Handler {
    name: String,
    body: Arc<HandlerFn>,
    plugins: Option<Arc<PluginFactory>>,
}

impl Handler {
    /// A handler named `name` (the function name, e.g. `step-1-1`).
    pub fn new<F, Fut>(name: impl Into<String>, body: F) -> Self
    where
        F: Fn(DurableContext, Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, DurableError>> + Send + 'static,
    {
        Handler {
            name: name.into(),
            body: Arc::new(move |ctx, input| Box::pin(body(ctx, input))),
            plugins: None,
        }
    }

    /// The plugins this handler runs with, writing to `sink`.
    pub fn plugins(&self, sink: Arc<dyn LogSink>) -> Vec<Arc<dyn Plugin>> {
        self.plugins.as_ref().map(|f| f(sink)).unwrap_or_default()
    }
}

impl Workflow for Handler {
    type Input = Value;
    type Output = Value;

    fn name(&self) -> &str {
        &self.name
    }

    fn run(&self, ctx: DurableContext, input: Value) -> BoxFuture<'static, Result<Value, DurableError>> {
        (self.body)(ctx, input)
    }
}

/// Requirement id → handler, plus declared gaps (reported `NOT_IMPLEMENTED` with a reason)
/// and the functions handlers invoke (chained-invoke targets).
#[derive(Clone, Default)]
pub struct Registry {
    handlers: BTreeMap<String, Arc<Handler>>,
    gaps: BTreeMap<String, String>,
    targets: BTreeMap<String, Arc<Handler>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the handler for requirement `id` (e.g. `"1-1"`), replacing any previous one.
    pub fn register<F, Fut>(&mut self, id: &str, body: F) -> &mut Self
    where
        F: Fn(DurableContext, Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, DurableError>> + Send + 'static,
    {
        self.handlers.insert(
            id.to_owned(),
            Arc::new(Handler::new(format!("conformance-{id}"), body)),
        );
        self.gaps.remove(id);
        self
    }

    /// Registers the handler for requirement `id` together with the plugins it runs with.
    pub fn register_with_plugins<P, F, Fut>(&mut self, id: &str, plugins: P, body: F) -> &mut Self
    where
        P: Fn(Arc<dyn LogSink>) -> Vec<Arc<dyn Plugin>> + Send + Sync + 'static,
        F: Fn(DurableContext, Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, DurableError>> + Send + 'static,
    {
        let mut handler = Handler::new(format!("conformance-{id}"), body);
        handler.plugins = Some(Arc::new(plugins));
        self.handlers.insert(id.to_owned(), Arc::new(handler));
        self.gaps.remove(id);
        self
    }

    /// Registers a durable function named `name` that handlers may invoke.
    pub fn target<F, Fut>(&mut self, name: &str, body: F) -> &mut Self
    where
        F: Fn(DurableContext, Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, DurableError>> + Send + 'static,
    {
        self.targets
            .insert(name.to_owned(), Arc::new(Handler::new(name, body)));
        self
    }

    /// The invoke targets.
    pub fn targets(&self) -> impl Iterator<Item = &Arc<Handler>> {
        self.targets.values()
    }

    /// Declares that requirement `id` is knowingly not implemented, and why.
    pub fn not_implemented(&mut self, id: &str, reason: impl Into<String>) -> &mut Self {
        self.gaps.insert(id.to_owned(), reason.into());
        self
    }

    /// The handler for `id`.
    pub fn handler(&self, id: &str) -> Option<&Arc<Handler>> {
        self.handlers.get(id)
    }

    /// Why `id` has no handler, if declared.
    pub fn gap(&self, id: &str) -> Option<&str> {
        self.gaps.get(id).map(String::as_str)
    }

    /// Ids with a handler.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.handlers.keys().map(String::as_str)
    }
}
