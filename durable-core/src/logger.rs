//! Replay-aware logging (PROTOCOL.md §4.13).
//!
//! Workflow code re-runs on every invocation; a log line written from orchestration code
//! would repeat on each replay. [`Logger`] drops records while the execution is replaying
//! (unless told not to) and enriches every record with the execution and operation, so a
//! line can be traced to its operation.
//!
//! Where records go is the execution's [`LogSink`]
//! ([`ExecutionConfig::log_sink`](crate::ExecutionConfig::log_sink)). The default,
//! [`AutoSink`], picks per record:
//!
//! * a `tracing` subscriber is installed (globally, or for the current thread/task):
//!   [`TracingSink`], an event of target `durable::log` at the record's level, inside the
//!   spans of the code that wrote it (see [`crate::telemetry`]); the subscriber formats and
//!   timestamps it (with the real clock);
//! * none: [`JsonLinesSink`], one JSON object per line on standard output with a top-level
//!   `executionArn`, the format CloudWatch-based checks filter on, stamped with the
//!   execution's clock (virtual in tests).
//!
//! Set [`JsonLinesSink`] or [`TracingSink`] to force one or the other.

use crate::context::DurableContext;
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

/// Writes one JSON object per line to standard output:
/// `{"timestamp":1700000000000,"level":"INFO","message":"..","executionArn":"..",
/// "operationId":"..","operationName":"..","attempt":1}` (the operation fields when written
/// in a step or a child context).
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonLinesSink;

impl LogSink for JsonLinesSink {
    fn emit(&self, record: &LogRecord) {
        if let Ok(line) = serde_json::to_string(record) {
            println!("{line}");
        }
    }
}

/// Emits records as `tracing` events of target [`LOG_TARGET`](crate::telemetry::LOG_TARGET)
/// at the record's level, with the fields `execution_arn`, and `operation_id`,
/// `operation_name`, `attempt` when the record has them; the message is the event's message.
/// Without a subscriber, nothing happens. The record's timestamp is left to the subscriber.
///
/// Free-form records ([`LogSink::emit_json`]) become INFO events with the JSON in the field
/// `record`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TracingSink;

/// One event at a level known at compile time (a callsite's level is static).
macro_rules! record_event {
    ($level:expr, $record:expr) => {
        tracing::event!(
            target: "durable::log",
            $level,
            execution_arn = $record.execution_arn.as_str(),
            operation_id = $record.operation_id.as_deref(),
            operation_name = $record.operation_name.as_deref(),
            attempt = $record.attempt,
            "{}",
            $record.message
        )
    };
}

impl LogSink for TracingSink {
    fn emit(&self, record: &LogRecord) {
        match record.level {
            Level::Debug => record_event!(tracing::Level::DEBUG, record),
            Level::Info => record_event!(tracing::Level::INFO, record),
            Level::Warn => record_event!(tracing::Level::WARN, record),
            Level::Error => record_event!(tracing::Level::ERROR, record),
        }
    }

    fn emit_json(&self, record: &serde_json::Value) {
        tracing::info!(target: "durable::log", record = %record);
    }
}

/// The default sink: [`TracingSink`] when a `tracing` subscriber is installed where the record
/// is written ([`subscriber_installed`]), [`JsonLinesSink`] otherwise.
#[derive(Clone, Copy, Debug, Default)]
pub struct AutoSink;

impl LogSink for AutoSink {
    fn emit(&self, record: &LogRecord) {
        if subscriber_installed() {
            TracingSink.emit(record);
        } else {
            JsonLinesSink.emit(record);
        }
    }

    fn emit_json(&self, record: &serde_json::Value) {
        if subscriber_installed() {
            TracingSink.emit_json(record);
        } else {
            JsonLinesSink.emit_json(record);
        }
    }
}

/// Whether a `tracing` subscriber is installed for the current thread: a global default, or
/// one set for the thread or the task (`tracing::subscriber::set_default`, `with_default`,
/// `WithSubscriber`). Whether it records what [`TracingSink`] emits (its filter) does not
/// matter: a subscriber that filters records out chose to.
pub fn subscriber_installed() -> bool {
    tracing::dispatcher::get_default(|d| !d.is::<tracing::subscriber::NoSubscriber>())
}

/// A replay-aware logger for workflow code, a child context or a step.
#[derive(Clone)]
pub struct Logger {
    exec: Arc<Execution>,
    /// The context whose replay position decides (workflow and child-context loggers; a step
    /// body runs live).
    context: Option<DurableContext>,
    operation_id: Option<crate::wire::SharedStr>,
    operation_name: Option<crate::wire::SharedStr>,
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
        operation_id: Option<crate::wire::SharedStr>,
        operation_name: Option<crate::wire::SharedStr>,
        attempt: Option<u32>,
    ) -> Self {
        Logger {
            exec,
            context: None,
            operation_id,
            operation_name,
            attempt,
            mode_aware: true,
        }
    }

    /// Decides whether it replays from `context`'s position.
    pub(crate) fn in_context(mut self, context: DurableContext) -> Self {
        self.context = Some(context);
        self
    }

    /// A logger that also writes while replaying (to observe re-execution on purpose).
    pub fn replay_logging(mut self, enabled: bool) -> Self {
        self.mode_aware = !enabled;
        self
    }

    /// Whether records written now would be dropped as replays.
    pub fn is_replaying(&self) -> bool {
        self.mode_aware
            && match &self.context {
                Some(context) => context.is_replaying(),
                None => self.exec.is_replaying(),
            }
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
            operation_id: self.operation_id.as_deref().map(str::to_owned),
            operation_name: self.operation_name.as_deref().map(str::to_owned),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// Keeps `(target, level, message)` of every event.
    #[derive(Clone, Default)]
    struct Events(Arc<Mutex<Vec<(String, tracing::Level, String)>>>);

    struct Message(String);

    impl tracing::field::Visit for Message {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            if field.name() == "message" {
                self.0 = format!("{value:?}");
            }
        }
    }

    impl Subscriber for Events {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut message = Message(String::new());
            event.record(&mut message);
            let meta = event.metadata();
            self.0
                .lock()
                .unwrap()
                .push((meta.target().to_owned(), *meta.level(), message.0));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    fn record(level: Level, message: &str) -> LogRecord {
        LogRecord {
            timestamp: 0,
            level,
            message: message.to_owned(),
            execution_arn: "arn:x".to_owned(),
            operation_id: Some("c4ca4238a0b92382".to_owned()),
            operation_name: None,
            attempt: Some(2),
        }
    }

    #[test]
    fn the_default_sink_follows_the_subscriber_of_the_thread() {
        assert!(!subscriber_installed());
        let events = Events::default();
        tracing::subscriber::with_default(events.clone(), || {
            assert!(subscriber_installed());
            AutoSink.emit(&record(Level::Warn, "low on stock"));
            AutoSink.emit(&record(Level::Debug, "details"));
        });
        assert!(!subscriber_installed());
        let seen = events.0.lock().unwrap().clone();
        assert_eq!(
            seen,
            [
                (
                    "durable::log".to_owned(),
                    tracing::Level::WARN,
                    "low on stock".to_owned()
                ),
                (
                    "durable::log".to_owned(),
                    tracing::Level::DEBUG,
                    "details".to_owned()
                ),
            ]
        );
    }
}
