//! Suite `plugin` (10-x): instrumentation plugin hooks, checked through their log records.

use super::{json, text, CRASH};
use crate::registry::Registry;
use durable_runtime::prelude::*;
use durable_runtime::wire::{ErrorObject, InvocationStatus, OperationStatus, OperationType};
use durable_runtime::{AttemptOutcome, InvocationEnd, InvocationStart, LogSink, OperationInfo, Plugin};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// The conformance plugin: logs one JSON record per hook, stamped with the execution ARN it
/// learned at invocation start; a faulty one panics after logging.
struct ConfPlugin {
    tag: &'static str,
    sink: Arc<dyn LogSink>,
    arn: Mutex<Option<String>>,
    operation_hooks: bool,
    faulty: bool,
}

impl ConfPlugin {
    fn new(tag: &'static str, sink: Arc<dyn LogSink>) -> Self {
        ConfPlugin {
            tag,
            sink,
            arn: Mutex::new(None),
            operation_hooks: false,
            faulty: false,
        }
    }

    fn log(&self, mut record: Value) {
        record["plugin"] = Value::from(self.tag);
        let arn = self.arn.lock().unwrap_or_else(|p| p.into_inner()).clone();
        record["durableExecutionArn"] = Value::from(arn);
        self.sink.emit_json(&record);
        if self.faulty {
            panic!("{CRASH}: faulty plugin hook");
        }
    }

    fn wants(&self, op: &OperationInfo<'_>) -> bool {
        self.operation_hooks && op.operation_type == OperationType::Step
    }
}

fn status_token(status: InvocationStatus) -> &'static str {
    match status {
        InvocationStatus::Succeeded => "SUCCEEDED",
        InvocationStatus::Failed => "FAILED",
        InvocationStatus::Pending => "PENDING",
    }
}

impl Plugin for ConfPlugin {
    fn on_invocation_start(&self, info: &InvocationStart<'_>) {
        *self.arn.lock().unwrap_or_else(|p| p.into_inner()) = Some(info.execution_arn.to_owned());
        self.log(json!({"hook": "invocation-start", "first": info.is_first_invocation}));
    }

    fn on_invocation_end(&self, info: &InvocationEnd<'_>) {
        self.log(json!({"hook": "invocation-end", "status": status_token(info.status)}));
    }

    fn on_operation_start(&self, op: &OperationInfo<'_>) {
        if self.wants(op) {
            self.log(json!({"hook": "operation-start", "op": op.operation_id}));
        }
    }

    fn on_operation_end(&self, op: &OperationInfo<'_>, status: OperationStatus, _: Option<&ErrorObject>) {
        if self.wants(op) {
            self.log(json!({"hook": "operation-end", "op": op.operation_id, "status": status.as_str()}));
        }
    }

    fn on_attempt_start(&self, op: &OperationInfo<'_>, attempt: u32) {
        if self.wants(op) {
            self.log(json!({"hook": "attempt-start", "op": op.operation_id, "attempt": attempt}));
        }
    }

    fn on_attempt_end(&self, op: &OperationInfo<'_>, attempt: u32, outcome: &AttemptOutcome<'_>) {
        if self.wants(op) {
            let ok = matches!(outcome, AttemptOutcome::Succeeded);
            self.log(
                json!({"hook": "attempt-end", "op": op.operation_id, "attempt": attempt, "succeeded": ok}),
            );
        }
    }
}

async fn greet(ctx: DurableContext, input: Value) -> Result<Value, DurableError> {
    let name = text(&input);
    let greeting: String = ctx
        .step("greet", move |s| async move {
            s.logger.info(format!("Greeting step running for: {name}"));
            Ok::<_, DurableError>(format!("Hello, {name}!"))
        })
        .await?;
    json(greeting)
}

pub(super) fn register(r: &mut Registry) {
    r.register_with_plugins(
        "10-1",
        |sink| vec![Arc::new(ConfPlugin::new("CONFPLUGIN", sink)) as Arc<dyn Plugin>],
        greet,
    );
    r.register_with_plugins(
        "10-2",
        |sink| {
            let mut p = ConfPlugin::new("CONFPLUGIN", sink);
            p.operation_hooks = true;
            vec![Arc::new(p) as Arc<dyn Plugin>]
        },
        greet,
    );
    r.register_with_plugins(
        "10-4",
        |sink| {
            let mut p = ConfPlugin::new("CONFPLUGIN-FAULTY", sink);
            p.operation_hooks = true;
            p.faulty = true;
            vec![Arc::new(p) as Arc<dyn Plugin>]
        },
        greet,
    );
    r.register_with_plugins(
        "10-5",
        |sink| {
            vec![
                Arc::new(ConfPlugin::new("CONFPLUGIN-A", sink.clone())) as Arc<dyn Plugin>,
                Arc::new(ConfPlugin::new("CONFPLUGIN-B", sink)) as Arc<dyn Plugin>,
            ]
        },
        greet,
    );
    r.register_with_plugins(
        "10-6",
        |sink| vec![Arc::new(ConfPlugin::new("CONFPLUGIN", sink)) as Arc<dyn Plugin>],
        |ctx, _| async move {
            ctx.wait((), Duration::from_secs(2)).await?;
            json(())
        },
    );
    r.register_with_plugins(
        "10-7",
        |sink| vec![Arc::new(ConfPlugin::new("CONFPLUGIN", sink)) as Arc<dyn Plugin>],
        |ctx, _| async move {
            let v: String = ctx
                .step("always_fails", |_| async {
                    Err::<String, _>(DurableError::failure("StepError", "always fails"))
                })
                .retry(RetryPresets::none())
                .await?;
            json(v)
        },
    );
}
