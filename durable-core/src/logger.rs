//! Replay-aware logging (PROTOCOL.md §4.13).
//!
//! Workflow code re-runs on every invocation; a log line written from orchestration code
//! would repeat on each replay. [`Logger`] drops records while the execution is replaying
//! (unless told not to) and enriches every record with the execution and operation, so a
//! line can be traced to its operation. Records are JSON objects with a top-level
//! `executionArn`, the field CloudWatch-based checks filter on.

use crate::execution::Execution;
use serde::Serialize;
use std::sync::Arc;

/// Severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// Debugging detail.
    Debug,
    /// Normal operation.
    Info,
    /// Something unexpected.
    Warn,
    /// A failure.
    Error,
}

/// One log record.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogRecord {
    /// Wall-clock time (epoch ms) the record was written.
    pub timestamp: i64,
    /// Severity.
    pub level: Level,
    /// The message.
    pub message: String,
    /// The execution.
    pub execution_arn: String,
    /// Wire id of the operation the record was written in (step or child context).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_name: Option<String>,
    /// The step attempt (1-based), inside a step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
}

/// Receives log records.
pub trait LogSink: Send + Sync {
    /// Handles one record.
    fn emit(&self, record: &LogRecord);

    /// Handles a free-form JSON record (what plugins and integrations write); by default a
    /// JSON line on standard output.
    fn emit_json(&self, record: &serde_json::Value) {
        println!("{record}");
    }
}

/// Writes one JSON object per line to standard output.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonLinesSink;

impl LogSink for JsonLinesSink {
    fn emit(&self, record: &LogRecord) {
        if let Ok(line) = serde_json::to_string(record) {
            println!("{line}");
        }
    }
}

/// A replay-aware logger for workflow code, a child context or a step.
#[derive(Clone)]
pub struct Logger {
    exec: Arc<Execution>,
    operation_id: Option<String>,
    operation_name: Option<String>,
    attempt: Option<u32>,
    mode_aware: bool,
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger")
            .field("operation_id", &self.operation_id)
            .field("operation_name", &self.operation_name)
            .field("mode_aware", &self.mode_aware)
            .finish()
    }
}

impl Logger {
    pub(crate) fn new(
        exec: Arc<Execution>,
        operation_id: Option<String>,
        operation_name: Option<String>,
        attempt: Option<u32>,
    ) -> Self {
        Logger {
            exec,
            operation_id,
            operation_name,
            attempt,
            mode_aware: true,
        }
    }

    /// A logger that also writes while replaying (to observe re-execution on purpose).
    pub fn replay_logging(mut self, enabled: bool) -> Self {
        self.mode_aware = !enabled;
        self
    }

    /// Whether records written now would be dropped as replays.
    pub fn is_replaying(&self) -> bool {
        self.mode_aware && self.exec.is_replaying()
    }

    /// Writes a record at `level`.
    pub fn log(&self, level: Level, message: impl Into<String>) {
        if self.is_replaying() {
            return;
        }
        let record = LogRecord {
            timestamp: self.exec.config.clock.now_millis(),
            level,
            message: message.into(),
            execution_arn: self.exec.arn.clone(),
            operation_id: self.operation_id.clone(),
            operation_name: self.operation_name.clone(),
            attempt: self.attempt,
        };
        self.exec.config.log_sink.emit(&record);
    }

    /// Debug record.
    pub fn debug(&self, message: impl Into<String>) {
        self.log(Level::Debug, message);
    }

    /// Info record.
    pub fn info(&self, message: impl Into<String>) {
        self.log(Level::Info, message);
    }

    /// Warning record.
    pub fn warn(&self, message: impl Into<String>) {
        self.log(Level::Warn, message);
    }

    /// Error record.
    pub fn error(&self, message: impl Into<String>) {
        self.log(Level::Error, message);
    }
}
