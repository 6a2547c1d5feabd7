//! Text output of the CLI: times, durations, tables and history timelines.

use crate::local::ExecutionRecord;
use durable_core::wire::{EpochMillis, ErrorObject, Event, EventDetails, OperationType};
use std::collections::HashMap;

/// `2026-11-27T09:39:26.123Z` for milliseconds since the Unix epoch.
pub(crate) fn utc(ms: i64) -> String {
    EpochMillis(ms).to_rfc3339()
}

/// A duration for people: `850ms`, `2.345s`, `3m05s`, `2h07m`.
pub(crate) fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{}.{:03}s", ms / 1000, ms % 1000)
    } else if ms < 3_600_000 {
        format!("{}m{:02}s", ms / 60_000, ms % 60_000 / 1000)
    } else {
        format!("{}h{:02}m", ms / 3_600_000, ms % 3_600_000 / 60_000)
    }
}

/// A time relative to the execution's start: `+2.013s`, `+3m05s`.
pub(crate) fn relative(ms: i64) -> String {
    if ms < 1000 {
        format!("+0.{:03}s", ms.max(0))
    } else {
        format!("+{}", duration(ms))
    }
}

/// `Type: message` of an error.
pub(crate) fn error(e: &ErrorObject) -> String {
    match (&e.error_type, &e.error_message) {
        (Some(t), Some(m)) => format!("{t}: {m}"),
        (Some(t), None) => t.clone(),
        (None, Some(m)) => m.clone(),
        (None, None) => "unknown error".to_owned(),
    }
}

/// Text cut to `max` characters, on one line.
pub(crate) fn clip(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Rows under a header, columns padded to their widest cell (the last one is not padded).
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, cell) in cells.into_iter().enumerate() {
            if i == last {
                out.push_str(cell);
            } else {
                let pad = widths[i].saturating_sub(cell.chars().count());
                out.push_str(cell);
                out.push_str(&" ".repeat(pad + 2));
            }
        }
        out
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(rows.iter().map(|r| line(r.iter().map(String::as_str).collect())));
    out
}

/// Renders history events of one execution as timeline lines, one per event, remembering
/// when each operation started so an outcome can show how long it took.
pub(crate) struct Timeline {
    start: i64,
    depth: HashMap<String, usize>,
    started: HashMap<String, i64>,
    /// Names of operations whose events carry none: a wait-for-callback's callback.
    names: HashMap<String, String>,
}

impl Timeline {
    /// A timeline of `record` (its operations give the nesting).
    pub(crate) fn new(record: &ExecutionRecord) -> Self {
        let parents: HashMap<&str, Option<&str>> = record
            .operations
            .iter()
            .map(|o| (&*o.id, o.parent_id.as_deref()))
            .collect();
        let mut depth = HashMap::new();
        for op in &record.operations {
            let mut d = 0;
            let mut at = op.parent_id.as_deref();
            while let Some(p) = at {
                d += 1;
                if d > 64 {
                    break;
                }
                at = parents.get(p).copied().flatten();
            }
            depth.insert(op.id.to_string(), d);
        }
        let names = record
            .operations
            .iter()
            .filter(|o| o.name.is_none() && o.operation_type == OperationType::Callback)
            .filter_map(|o| Some((o.id.to_string(), super::callbacks::name_of(record, o)?)))
            .collect();
        Timeline {
            start: record.start.as_millis(),
            depth,
            started: HashMap::new(),
            names,
        }
    }

    /// The line of `event` (call in `EventId` order).
    pub(crate) fn line(&mut self, event: &Event) -> String {
        let at = event.event_timestamp.as_millis();
        let mut took = String::new();
        if let Some(id) = &event.id {
            if event.event_type.ends_with("Started") {
                self.started.entry(id.to_string()).or_insert(at);
            } else if let Some(s) = self.started.get(&**id) {
                took = duration(at - s);
            }
        }
        let mut extra = String::new();
        match &event.details {
            EventDetails::InvocationCompleted(d) => {
                took = duration(d.end_timestamp.as_millis() - d.start_timestamp.as_millis());
                if let Some(e) = d.error.as_ref().and_then(|e| e.payload.as_ref()) {
                    extra = format!("failed: {}", clip(&error(e), 100));
                }
            }
            EventDetails::WaitStarted(d) => extra = format!("for {}", duration(d.duration as i64 * 1000)),
            EventDetails::StepSucceeded(d) => {
                if let Some(p) = &d.result.payload {
                    extra = format!("→ {}", clip(p, 60));
                }
            }
            EventDetails::StepFailed(d) => {
                let e = d.error.payload.as_ref().map(error).unwrap_or_default();
                extra = format!(
                    "attempt {} failed: {}",
                    d.retry_details.current_attempt,
                    clip(&e, 80)
                );
                if let Some(s) = d.retry_details.next_attempt_delay_seconds {
                    extra.push_str(&format!("; retry in {s}s"));
                }
            }
            EventDetails::CallbackSucceeded(d) | EventDetails::ContextSucceeded(d) => {
                if let Some(p) = &d.result.payload {
                    extra = format!("→ {}", clip(p, 60));
                }
            }
            EventDetails::ExecutionSucceeded(d) => {
                took = duration(at - self.start);
                if let Some(p) = &d.result.payload {
                    extra = format!("→ {}", clip(p, 60));
                }
            }
            EventDetails::ExecutionFailed(d)
            | EventDetails::ExecutionStopped(d)
            | EventDetails::ExecutionTimedOut(d) => {
                took = duration(at - self.start);
                if let Some(e) = d.error.as_ref().and_then(|e| e.payload.as_ref()) {
                    extra = clip(&error(e), 100);
                }
            }
            EventDetails::CallbackFailed(d)
            | EventDetails::CallbackTimedOut(d)
            | EventDetails::ContextFailed(d)
            | EventDetails::ChainedInvokeFailed(d)
            | EventDetails::ChainedInvokeTimedOut(d)
            | EventDetails::ChainedInvokeStopped(d)
            | EventDetails::WaitCancelled(d) => {
                if let Some(e) = d.error.as_ref().and_then(|e| e.payload.as_ref()) {
                    extra = clip(&error(e), 100);
                }
            }
            EventDetails::ChainedInvokeStarted(d) => extra = format!("→ {}", d.function_name),
            _ => {}
        }
        let depth = event
            .id
            .as_ref()
            .and_then(|id| self.depth.get(&**id))
            .copied()
            .unwrap_or(0);
        let label = format!("{}{}", "  ".repeat(depth), event.event_type);
        let name = event
            .name
            .as_deref()
            .or_else(|| {
                event
                    .id
                    .as_ref()
                    .and_then(|id| self.names.get(&**id))
                    .map(String::as_str)
            })
            .unwrap_or("");
        let line = format!(
            "{:>4}  {:>9}  {:>8}  {label:<26} {name}",
            event.event_id,
            relative(at - self.start),
            took
        );
        let line = if extra.is_empty() {
            line
        } else {
            format!("{line}  {extra}")
        };
        line.trim_end().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times_and_durations() {
        assert_eq!(utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(utc(1_795_772_366_123), "2026-11-27T09:39:26.123Z");
        assert_eq!(duration(850), "850ms");
        assert_eq!(duration(2345), "2.345s");
        assert_eq!(duration(185_000), "3m05s");
        assert_eq!(duration(7_620_000), "2h07m");
        assert_eq!(relative(12), "+0.012s");
        assert_eq!(relative(2013), "+2.013s");
        assert_eq!(clip("abcdef", 4), "abc…");
    }

    #[test]
    fn tables_pad_columns() {
        let rows = vec![vec!["a".to_owned(), "long cell".to_owned(), "x".to_owned()]];
        assert_eq!(
            table(&["H1", "H2", "H3"], &rows),
            vec!["H1  H2         H3", "a   long cell  x"]
        );
    }
}
