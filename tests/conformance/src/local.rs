//! The `local` backend: runs each requirement's handler on durable's local engine (in-memory
//! store, virtual time) and reports the history the engine recorded.

use crate::backend::{Backend, Observed, RunOutcome, RunSpec};
use crate::registry::Registry;
use durable_runtime::local::{EngineOptions, LocalEngine, MemoryStore, VirtualClock};
use durable_runtime::testing::LogCollector;
use std::sync::Arc;

/// Returns the backend named `name` (`local`), or `None` for an unknown name.
pub fn backend_for(name: &str) -> Option<Box<dyn Backend>> {
    match name {
        "local" => Some(Box::new(LocalBackend::new(crate::handlers::registry()))),
        _ => None,
    }
}

/// Runs handlers from a [`Registry`] on the local engine.
pub struct LocalBackend {
    registry: Registry,
    runtime: tokio::runtime::Runtime,
}

impl LocalBackend {
    /// A backend running `registry`'s handlers.
    ///
    /// # Panics
    /// If a tokio runtime cannot be created (no threads available).
    pub fn new(registry: Registry) -> Self {
        crate::handlers::quiet_simulated_crashes();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap_or_else(|e| panic!("cannot start a tokio runtime: {e}"));
        LocalBackend { registry, runtime }
    }
}

impl Backend for LocalBackend {
    fn name(&self) -> &str {
        "local"
    }

    fn run(&self, spec: &RunSpec) -> Result<RunOutcome, String> {
        let Some(handler) = self.registry.handler(&spec.id) else {
            let reason = self
                .registry
                .gap(&spec.id)
                .unwrap_or("no handler is registered for this requirement");
            return Ok(RunOutcome::NotImplemented(reason.to_owned()));
        };
        let logs = Arc::new(LogCollector::default());
        let options = EngineOptions {
            log_sink: Some(logs.clone()),
            ..EngineOptions::default()
        };
        let engine = LocalEngine::new(
            Arc::new(MemoryStore::new()),
            Arc::new(VirtualClock::new()),
            options,
        );
        let input = match &spec.input {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(serde_json::to_string(v).map_err(|e| e.to_string())?),
        };
        let record = self
            .runtime
            .block_on(engine.run(handler, input.as_deref()))
            .map_err(|e| format!("local engine: {e}"))?;
        let history = record
            .events
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let logs = logs
            .records()
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        Ok(RunOutcome::Observed(Observed {
            status: record.status.as_str().to_owned(),
            result: record.result.clone(),
            error: record.error.as_ref().and_then(|e| serde_json::to_value(e).ok()),
            history,
            logs,
        }))
    }
}
