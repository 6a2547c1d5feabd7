//! The `local` backend: runs each requirement's handler on durable's local engine (in-memory
//! store, virtual time) and reports the history the engine recorded.

use crate::backend::{Backend, Observed, RunOutcome, RunSpec};
use crate::placeholders::PlaceholderContext;
use crate::registry::{Handler, Registry};
use crate::requirement::{CallbackAction, CallbackOperation};
use durable_runtime::local::{
    CallbackAnswer, EngineOptions, ExecutionRecord, LocalEngine, MemoryStore, Responder, ScheduledAnswer,
    VirtualClock,
};
use durable_runtime::testing::LogCollector;
use durable_runtime::wire::{EpochMillis, ErrorObject, OperationType};
use std::collections::HashSet;
use std::sync::Arc;

/// Plays a requirement's `CallbackActions`: for every callback that appears, the first unused
/// action whose `CallbackName` matches is performed `Delay` seconds later; a heartbeat uses
/// up its action but not the callback, so the next matching action follows it.
struct ActionResponder {
    actions: Vec<CallbackAction>,
    used: Vec<bool>,
    seen: HashSet<String>,
    placeholders: PlaceholderContext,
}

impl ActionResponder {
    fn answer(&self, action: &CallbackAction) -> CallbackAnswer {
        match action.operation {
            CallbackOperation::Success => CallbackAnswer::Succeed(action.success_body(&self.placeholders)),
            CallbackOperation::Heartbeat => CallbackAnswer::Heartbeat,
            CallbackOperation::Failure => {
                let error = action
                    .failure_error(&self.placeholders)
                    .ok()
                    .flatten()
                    .and_then(|v| serde_json::from_value::<ErrorObject>(v).ok())
                    .unwrap_or_default();
                CallbackAnswer::Fail(error)
            }
        }
    }
}

impl Responder for ActionResponder {
    fn observe(&mut self, record: &ExecutionRecord, now: EpochMillis) -> Vec<ScheduledAnswer> {
        let mut out = Vec::new();
        for op in record
            .operations
            .iter()
            .filter(|o| o.operation_type == OperationType::Callback)
        {
            let Some(id) = op.callback_details.as_ref().and_then(|d| d.callback_id.clone()) else {
                continue;
            };
            if !self.seen.insert(id.clone()) {
                continue;
            }
            let name = op.name.as_deref().unwrap_or("");
            let mut at = now.0;
            while let Some(i) = (0..self.actions.len())
                .find(|&i| !self.used[i] && self.actions[i].matches(name, &self.placeholders))
            {
                self.used[i] = true;
                let action = &self.actions[i];
                at += i64::try_from(action.delay().as_millis()).unwrap_or(0);
                out.push(ScheduledAnswer {
                    at: EpochMillis(at),
                    callback_id: id.clone(),
                    answer: self.answer(action),
                });
                if action.operation != CallbackOperation::Heartbeat {
                    break;
                }
            }
        }
        out
    }
}

/// Returns the backend named `name` (`local`), or `None` for an unknown name.
pub fn backend_for(name: &str) -> Option<Box<dyn Backend>> {
    match name {
        "local" => Some(Box::new(LocalBackend::new(crate::handlers::registry()))),
        "emulator" => Some(Box::new(crate::emulator::EmulatorBackend::new())),
        "differential" => Some(Box::new(crate::differential::DifferentialBackend::new())),
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
            plugins: handler.plugins(logs.clone()),
            ..EngineOptions::default()
        };
        let engine = LocalEngine::new(
            Arc::new(MemoryStore::new()),
            Arc::new(VirtualClock::new()),
            options,
        );
        for target in self.registry.targets() {
            engine.register_workflow(Handler::clone(target));
        }
        let input = match &spec.input {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(serde_json::to_string(v).map_err(|e| e.to_string())?),
        };
        let mut responder = ActionResponder {
            actions: spec.callback_actions.clone(),
            used: vec![false; spec.callback_actions.len()],
            seen: HashSet::new(),
            placeholders: spec.placeholders.clone(),
        };
        let record = self
            .runtime
            .block_on(async {
                let arn =
                    engine.start_execution(durable_runtime::Workflow::name(&**handler), input.as_deref())?;
                engine.run_with(handler, &arn, &mut responder).await
            })
            .map_err(|e| format!("local engine: {e}"))?;
        let history = record
            .events
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let logs = logs.json();
        Ok(RunOutcome::Observed(Observed {
            status: record.status.as_str().to_owned(),
            result: record.result.clone(),
            error: record.error.as_ref().and_then(|e| serde_json::to_value(e).ok()),
            history,
            logs,
            deviations: Vec::new(),
        }))
    }
}
