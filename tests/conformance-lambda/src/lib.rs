//! The conformance handlers of `durable-conformance` as real AWS Lambda functions, for the
//! harness's `--backend emulator`.
//!
//! Three binaries (function name = binary name, as `cargo lambda watch` routes them):
//! `conformance` runs every requirement's handler, chosen per execution by the execution
//! name (`<requirement id>.<unique suffix>`, the `Name` of the `EXECUTION` operation), and
//! `conformance-echo` / `conformance-failing` are the chained-invoke targets.
//!
//! When `DURABLE_CONFORMANCE_OUT` names a directory, every execution's log records (the
//! workflow logger and plugin records, JSON lines) go to `<dir>/<key>.logs.jsonl` and every
//! `CheckpointDurableExecution` request our SDK sends to `<dir>/<key>.checkpoints.jsonl`,
//! where `<key>` is [`execution_key`] of the execution ARN. The harness reads them back.
//! Without it, log records go to standard output as on Lambda.

use durable_conformance::registry::{Handler, Registry};
use durable_runtime::wire::{
    CheckpointRequest, CheckpointResponse, ExecutionStatePage, InvocationInput, OperationType,
};
use durable_runtime::{
    BoxFuture, CheckpointClient, CheckpointError, ExecutionConfig, InvocationError, LogRecord, LogSink,
};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// The environment variable naming the directory for log and checkpoint records.
pub const OUT_DIR_ENV: &str = "DURABLE_CONFORMANCE_OUT";

/// The function that runs every requirement's handler.
pub const DISPATCH_FUNCTION: &str = "conformance";

/// A file-name-safe key for an execution ARN.
pub fn execution_key(arn: &str) -> String {
    arn.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The requirement id encoded in an execution name (`1-1.abc123` → `1-1`).
pub fn requirement_of(execution_name: &str) -> &str {
    execution_name.split('.').next().unwrap_or(execution_name)
}

fn out_file(arn: &str, kind: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(OUT_DIR_ENV)?;
    Some(PathBuf::from(dir).join(format!("{}.{kind}.jsonl", execution_key(arn))))
}

fn append_line(path: &PathBuf, line: &str) {
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = written {
        eprintln!("cannot write {}: {e}", path.display());
    }
}

/// Log records of one execution: to its `.logs.jsonl` file, or standard output.
struct FileSink {
    path: Option<PathBuf>,
}

impl FileSink {
    fn write(&self, line: String) {
        match &self.path {
            Some(p) => append_line(p, &line),
            None => println!("{line}"),
        }
    }
}

impl LogSink for FileSink {
    fn emit(&self, record: &LogRecord) {
        if let Ok(line) = serde_json::to_string(record) {
            self.write(line);
        }
    }

    fn emit_json(&self, record: &serde_json::Value) {
        self.write(record.to_string());
    }
}

/// Records every checkpoint request (one JSON line per call) before passing it on.
struct RecordingClient {
    inner: Arc<dyn CheckpointClient>,
}

impl CheckpointClient for RecordingClient {
    fn checkpoint(
        &self,
        execution_arn: &str,
        request: Arc<CheckpointRequest>,
    ) -> BoxFuture<'static, Result<CheckpointResponse, CheckpointError>> {
        if let Some(path) = out_file(execution_arn, "checkpoints") {
            if let Ok(line) = serde_json::to_string(&request.updates) {
                append_line(&path, &line);
            }
        }
        self.inner.checkpoint(execution_arn, request)
    }

    fn get_state(
        &self,
        execution_arn: &str,
        checkpoint_token: &str,
        marker: &str,
    ) -> BoxFuture<'static, Result<ExecutionStatePage, CheckpointError>> {
        self.inner.get_state(execution_arn, checkpoint_token, marker)
    }
}

/// The handler `function` runs for `event`: a chained-invoke target by its name, or (for
/// [`DISPATCH_FUNCTION`]) the requirement handler named by the execution name.
pub fn handler_for(
    registry: &Registry,
    function: &str,
    event: &InvocationInput,
) -> Result<Arc<Handler>, String> {
    if function != DISPATCH_FUNCTION {
        return registry
            .targets()
            .find(|t| durable_runtime::Workflow::name(&***t) == function)
            .cloned()
            .ok_or_else(|| format!("no invoke target named `{function}`"));
    }
    let name = event
        .initial_execution_state
        .operations
        .iter()
        .find(|o| o.operation_type == OperationType::Execution)
        .and_then(|o| o.name.as_deref())
        .ok_or_else(|| "the EXECUTION operation has no name to select a requirement by".to_owned())?;
    let id = requirement_of(name);
    registry
        .handler(id)
        .cloned()
        .ok_or_else(|| format!("no handler for requirement `{id}` (execution `{name}`)"))
}

/// Runs the Lambda function `function` (one of the three binaries) until the runtime stops.
pub async fn serve(function: &'static str) -> Result<(), durable_runtime::lambda::Error> {
    let registry = Arc::new(durable_conformance::handlers::registry());
    durable_runtime::lambda::serve(move |event, client| {
        let registry = registry.clone();
        async move {
            let handler =
                handler_for(&registry, function, &event).map_err(InvocationError::MalformedEvent)?;
            let sink: Arc<dyn LogSink> = Arc::new(FileSink {
                path: out_file(&event.durable_execution_arn, "logs"),
            });
            let config = ExecutionConfig {
                log_sink: sink.clone(),
                plugins: handler.plugins(sink),
                ..ExecutionConfig::default()
            };
            let client: Arc<dyn CheckpointClient> = Arc::new(RecordingClient { inner: client });
            durable_runtime::run_invocation(&*handler, event, client, config).await
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_ids() {
        assert_eq!(execution_key("a-b/c:d"), "a-b_c_d");
        assert_eq!(requirement_of("1-17.x9"), "1-17");
        assert_eq!(requirement_of("2-1"), "2-1");
    }
}
