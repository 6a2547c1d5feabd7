//! Log records of a test run, collected in memory.

use durable_core::{LogRecord, LogSink, TracingSink};
use std::sync::Mutex;

/// Collects log records in memory, in the order they were written, and hands each to
/// [`TracingSink`] as well: a test that installs a `tracing` subscriber sees them as events
/// (in the spans of the code that wrote them); without one, nothing is printed.
#[derive(Debug, Default)]
pub struct LogCollector {
    records: Mutex<Vec<LogRecord>>,
    all: Mutex<Vec<serde_json::Value>>,
}

impl LogCollector {
    /// The workflow's log records so far.
    pub fn records(&self) -> Vec<LogRecord> {
        self.records.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Every record so far as JSON, workflow logs and free-form records (plugins) interleaved
    /// in the order written.
    pub fn json(&self) -> Vec<serde_json::Value> {
        self.all.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl LogSink for LogCollector {
    fn emit(&self, record: &LogRecord) {
        TracingSink.emit(record);
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(record.clone());
        if let Ok(v) = serde_json::to_value(record) {
            self.all.lock().unwrap_or_else(|p| p.into_inner()).push(v);
        }
    }

    fn emit_json(&self, record: &serde_json::Value) {
        TracingSink.emit_json(record);
        self.all
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(record.clone());
    }
}
