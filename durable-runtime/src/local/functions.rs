//! Functions the local engine can run as chained-invoke targets: durable workflows (each
//! invoke starts an execution of its own, with its own history) and plain functions.

use durable_core::wire::ErrorObject;
use durable_core::{BoxFuture, DurableContext, DurableError, Workflow};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type JsonBody =
    dyn Fn(DurableContext, Value) -> BoxFuture<'static, Result<Value, DurableError>> + Send + Sync;

/// Any [`Workflow`] seen through JSON input and output, so workflows of different types can
/// live in one registry.
#[derive(Clone)]
pub struct RegisteredWorkflow {
    name: String,
    body: Arc<JsonBody>,
}

impl RegisteredWorkflow {
    /// Wraps `workflow`.
    pub fn new<W: Workflow>(workflow: W) -> Self {
        let name = workflow.name().to_owned();
        let workflow = Arc::new(workflow);
        let body = move |ctx: DurableContext,
                         input: Value|
              -> BoxFuture<'static, Result<Value, DurableError>> {
            let workflow = workflow.clone();
            Box::pin(async move {
                let typed: W::Input = serde_json::from_value(input).map_err(|e| DurableError::Serdes {
                    operation: "execution input".into(),
                    message: format!("the input does not match workflow `{}`: {e}", workflow.name()),
                })?;
                let output = workflow.run(ctx, typed).await?;
                serde_json::to_value(output).map_err(|e| DurableError::Serdes {
                    operation: "execution result".into(),
                    message: e.to_string(),
                })
            })
        };
        RegisteredWorkflow {
            name,
            body: Arc::new(body),
        }
    }
}

impl Workflow for RegisteredWorkflow {
    type Input = Value;
    type Output = Value;

    fn name(&self) -> &str {
        &self.name
    }

    fn run(&self, ctx: DurableContext, input: Value) -> BoxFuture<'static, Result<Value, DurableError>> {
        (self.body)(ctx, input)
    }
}

/// A plain (non-durable) function: JSON in, JSON or an error out.
pub type PlainFunction = Arc<dyn Fn(Value) -> Result<Value, ErrorObject> + Send + Sync>;

/// What a function name resolves to.
#[derive(Clone)]
pub enum Target {
    /// A durable workflow.
    Durable(Arc<RegisteredWorkflow>),
    /// A plain function.
    Plain(PlainFunction),
}

/// The engine's function registry.
#[derive(Default)]
pub struct Functions {
    targets: Mutex<HashMap<String, Target>>,
}

impl Functions {
    /// Registers `target` under `name`, replacing any previous one.
    pub fn insert(&self, name: impl Into<String>, target: Target) {
        self.targets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.into(), target);
    }

    /// The names of the registered durable workflows, sorted.
    pub fn workflow_names(&self) -> Vec<String> {
        let targets = self.targets.lock().unwrap_or_else(|p| p.into_inner());
        let mut names: Vec<String> = targets
            .iter()
            .filter(|(_, t)| matches!(t, Target::Durable(_)))
            .map(|(n, _)| n.clone())
            .collect();
        names.sort();
        names
    }

    /// The target named `name`.
    pub fn get(&self, name: &str) -> Option<Target> {
        self.targets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned()
    }
}
