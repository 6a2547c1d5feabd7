//! History events as the emulator returns them (`GetDurableExecutionHistory`, JSON): a
//! readable timeline, and the callbacks they start, with their names.
//!
//! A callback is named as the `durable` CLI and the `TestRunner` name it: by its own name
//! (`ctx.create_callback("approval")`), or, when it has none, by the context holding it
//! (`ctx.wait_for_callback("final-approval", ..)` records a child context of that name
//! holding a nameless callback). Its *path* adds the names of the contexts it is in
//! (`sign-offs/ada/sign-off`), which tells apart callbacks of the same name in map items or
//! parallel branches.

use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// A field of an event as a string.
fn text<'e>(e: &'e Value, field: &str) -> Option<&'e str> {
    e.get(field).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The event's type (`StepSucceeded`).
pub fn event_type(e: &Value) -> &str {
    text(e, "EventType").unwrap_or("")
}

/// The event's position in the history as the emulator numbered it.
pub fn event_id(e: &Value) -> u64 {
    e.get("EventId").and_then(Value::as_u64).unwrap_or(0)
}

/// The event's time in milliseconds since the Unix epoch (the emulator sends seconds as
/// floats, G18).
pub fn timestamp_ms(e: &Value) -> i64 {
    match e.get("EventTimestamp") {
        Some(Value::Number(n)) => (n.as_f64().unwrap_or(0.0) * 1000.0).round() as i64,
        _ => 0,
    }
}

/// An event's identity across fetches: the emulator builds the history on every request and
/// sorts it by time, so an `EventId` may change when an event lands before others.
fn key(e: &Value) -> String {
    let mut e = e.clone();
    if let Some(o) = e.as_object_mut() {
        o.remove("EventId");
    }
    e.to_string()
}

/// A callback the history shows started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Callback {
    /// The id answers go to.
    pub callback_id: String,
    /// Its name, or its wait-for-callback context's; `None` for an unnamed callback.
    pub name: Option<String>,
    /// The names of its enclosing contexts and its own, joined by `/` (`-` for a nameless
    /// level).
    pub path: String,
    /// The `EventId` of its `CallbackStarted`.
    pub started_event: u64,
}

impl Callback {
    /// Whether an answer for `selector` is meant for it: its name, or (with a `/`) its path.
    pub fn selected_by(&self, selector: &str) -> bool {
        self.name.as_deref() == Some(selector) || (selector.contains('/') && self.path == selector)
    }

    /// `` `name` `` (or its path, when it is nested), for messages.
    pub fn describe(&self) -> String {
        match &self.name {
            Some(_) if self.path.contains('/') => format!("`{}`", self.path),
            Some(name) => format!("`{name}`"),
            None => format!("an unnamed callback ({})", self.path),
        }
    }
}

/// What was learned about one operation from its events.
#[derive(Clone, Debug, Default)]
struct Op {
    name: Option<String>,
    parent: Option<String>,
    started_ms: Option<i64>,
}

/// Follows a history as it grows: which events are new, how to print them, which callbacks
/// they start.
#[derive(Debug, Default)]
pub struct Timeline {
    start_ms: Option<i64>,
    ops: HashMap<String, Op>,
    seen: HashSet<String>,
}

impl Timeline {
    /// An empty timeline.
    pub fn new() -> Self {
        Self::default()
    }

    /// The events of `history` not returned before, in history order; each is remembered.
    pub fn new_events<'h>(&mut self, history: &'h [Value]) -> Vec<&'h Value> {
        let mut fresh = Vec::new();
        for e in history {
            if self.seen.insert(key(e)) {
                self.observe(e);
                fresh.push(e);
            }
        }
        fresh
    }

    fn observe(&mut self, e: &Value) {
        let at = timestamp_ms(e);
        if event_type(e) == "ExecutionStarted" || self.start_ms.is_none() {
            self.start_ms = Some(self.start_ms.map_or(at, |s| s.min(at)));
        }
        let Some(id) = text(e, "Id") else { return };
        let op = self.ops.entry(id.to_owned()).or_default();
        if let Some(name) = text(e, "Name") {
            op.name = Some(name.to_owned());
        }
        if let Some(parent) = text(e, "ParentId") {
            op.parent = Some(parent.to_owned());
        }
        if event_type(e).ends_with("Started") && op.started_ms.is_none() {
            op.started_ms = Some(at);
        }
    }

    fn depth(&self, id: &str) -> usize {
        let mut depth = 0;
        let mut at = self.ops.get(id).and_then(|o| o.parent.as_deref());
        while let Some(parent) = at {
            depth += 1;
            if depth > 64 {
                break;
            }
            at = self.ops.get(parent).and_then(|o| o.parent.as_deref());
        }
        depth
    }

    /// The operation naming `id`: itself, or for a nameless callback the context holding it.
    fn naming_op<'s>(&'s self, id: &'s str) -> &'s str {
        match self.ops.get(id) {
            Some(Op {
                name: None,
                parent: Some(parent),
                ..
            }) => parent,
            _ => id,
        }
    }

    /// The callback a `CallbackStarted` event (seen by [`Timeline::new_events`]) starts.
    pub fn callback(&self, e: &Value) -> Option<Callback> {
        if event_type(e) != "CallbackStarted" {
            return None;
        }
        let callback_id = e
            .pointer("/CallbackStartedDetails/CallbackId")?
            .as_str()?
            .to_owned();
        let id = text(e, "Id")?;
        let named_by = self.naming_op(id);
        let name = self.ops.get(named_by).and_then(|o| o.name.clone());
        let mut segments = Vec::new();
        let mut at = Some(named_by);
        while let Some(op) = at {
            if segments.len() > 64 {
                break;
            }
            let o = self.ops.get(op);
            segments.push(o.and_then(|o| o.name.clone()).unwrap_or_else(|| "-".into()));
            at = o.and_then(|o| o.parent.as_deref());
        }
        segments.reverse();
        Some(Callback {
            callback_id,
            name,
            path: segments.join("/"),
            started_event: event_id(e),
        })
    }

    /// One line for `e` (seen by [`Timeline::new_events`]): `EventId`, time since the
    /// execution started, how long the operation took, the type indented by nesting, the
    /// name, and the result or error.
    pub fn line(&self, e: &Value) -> String {
        let at = timestamp_ms(e);
        let ty = event_type(e);
        let id = text(e, "Id");
        let mut took = String::new();
        if let Some(started) = id
            .filter(|_| !ty.ends_with("Started"))
            .and_then(|id| self.ops.get(id))
            .and_then(|o| o.started_ms)
        {
            took = duration(at - started);
        }
        let details = e.get(format!("{ty}Details")).unwrap_or(&Value::Null);
        let payload = |v: &Value| {
            v.pointer("/Result/Payload")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let error = |v: &Value| v.pointer("/Error/Payload").map(error_text);
        let extra = match ty {
            "ExecutionStarted" => details
                .pointer("/Input/Payload")
                .and_then(Value::as_str)
                .map(|p| format!("← {}", clip(p, 60))),
            "WaitStarted" => details
                .get("Duration")
                .and_then(Value::as_i64)
                .map(|s| format!("for {}", duration(s * 1000))),
            "StepFailed" => error(details).map(|err| {
                let attempt = details
                    .pointer("/RetryDetails/CurrentAttempt")
                    .and_then(Value::as_u64)
                    .map(|n| format!("attempt {n} failed: "))
                    .unwrap_or_default();
                let retry = details
                    .pointer("/RetryDetails/NextAttemptDelaySeconds")
                    .and_then(Value::as_u64)
                    .filter(|s| *s > 0)
                    .map(|s| format!("; retry in {s}s"))
                    .unwrap_or_default();
                format!("{attempt}{}{retry}", clip(&err, 80))
            }),
            "ChainedInvokeStarted" => details
                .get("FunctionName")
                .and_then(Value::as_str)
                .map(|f| format!("→ {f}")),
            _ if ty.ends_with("Succeeded") => payload(details).map(|p| format!("→ {}", clip(&p, 60))),
            _ if ty.ends_with("Failed") || ty.ends_with("TimedOut") || ty.ends_with("Stopped") => {
                error(details).map(|err| clip(&err, 100))
            }
            _ => None,
        }
        .unwrap_or_default();
        if ty.starts_with("Execution") && ty != "ExecutionStarted" {
            took = duration(at - self.start_ms.unwrap_or(at));
        }
        let depth = id.map_or(0, |id| self.depth(id));
        let label = format!("{}{ty}", "  ".repeat(depth));
        let name = match ty {
            "CallbackStarted" => self.callback(e).and_then(|c| c.name).unwrap_or_default(),
            _ => id
                .map(|id| self.naming_op(id))
                .filter(|_| ty.starts_with("Callback"))
                .or(id)
                .and_then(|id| self.ops.get(id))
                .and_then(|o| o.name.clone())
                .unwrap_or_default(),
        };
        let line = format!(
            "{:>4}  {:>9}  {:>8}  {label:<26} {name}",
            event_id(e),
            relative(at - self.start_ms.unwrap_or(at)),
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

/// `Type: message` of an error object (`ErrorType`, `ErrorMessage`).
pub fn error_text(e: &Value) -> String {
    match (text(e, "ErrorType"), text(e, "ErrorMessage")) {
        (Some(t), Some(m)) => format!("{t}: {m}"),
        (Some(t), None) => t.to_owned(),
        (None, Some(m)) => m.to_owned(),
        (None, None) => e.to_string(),
    }
}

/// A duration for people: `850ms`, `2.345s`, `3m05s`, `2h07m`.
pub fn duration(ms: i64) -> String {
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

/// A time relative to the execution's start: `+2.013s`.
pub fn relative(ms: i64) -> String {
    if ms < 1000 {
        format!("+0.{:03}s", ms.max(0))
    } else {
        format!("+{}", duration(ms))
    }
}

/// Text cut to `max` characters, on one line.
pub fn clip(text: &str, max: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn history() -> Vec<Value> {
        vec![
            json!({"EventType": "ExecutionStarted", "EventId": 1, "EventTimestamp": 100.0, "Id": "x", "Name": "run-1",
                   "ExecutionStartedDetails": {"Input": {"Payload": "{\"n\":1}"}}}),
            json!({"EventType": "ContextStarted", "EventId": 2, "EventTimestamp": 100.010, "SubType": "Map", "Id": "m", "Name": "sign-offs"}),
            json!({"EventType": "ContextStarted", "EventId": 3, "EventTimestamp": 100.011, "SubType": "MapIteration", "Id": "m1", "ParentId": "m", "Name": "ada"}),
            json!({"EventType": "ContextStarted", "EventId": 4, "EventTimestamp": 100.012, "SubType": "WaitForCallback", "Id": "w", "ParentId": "m1", "Name": "sign-off"}),
            json!({"EventType": "CallbackStarted", "EventId": 5, "EventTimestamp": 100.013, "SubType": "Callback", "Id": "c", "ParentId": "w",
                   "CallbackStartedDetails": {"CallbackId": "cb=="}}),
            json!({"EventType": "CallbackStarted", "EventId": 6, "EventTimestamp": 100.014, "SubType": "Callback", "Id": "c2", "Name": "approval",
                   "CallbackStartedDetails": {"CallbackId": "cb2"}}),
            json!({"EventType": "InvocationCompleted", "EventId": 7, "EventTimestamp": 100.020}),
            json!({"EventType": "CallbackSucceeded", "EventId": 8, "EventTimestamp": 102.5, "SubType": "Callback", "Id": "c", "ParentId": "w",
                   "CallbackSucceededDetails": {"Result": {"Payload": "\"ok\"", "Truncated": false}}}),
            json!({"EventType": "StepFailed", "EventId": 9, "EventTimestamp": 102.6, "SubType": "Step", "Id": "s", "Name": "charge",
                   "StepFailedDetails": {"Error": {"Payload": {"ErrorType": "Declined", "ErrorMessage": "no funds"}},
                                         "RetryDetails": {"CurrentAttempt": 1, "NextAttemptDelaySeconds": 2}}}),
            json!({"EventType": "ExecutionFailed", "EventId": 10, "EventTimestamp": 103.0, "Id": "x", "Name": "run-1",
                   "ExecutionFailedDetails": {"Error": {"Payload": {"ErrorType": "Declined", "ErrorMessage": "no funds"}}}}),
        ]
    }

    #[test]
    fn names_callbacks_as_the_cli_does() {
        let h = history();
        let mut t = Timeline::new();
        assert_eq!(t.new_events(&h).len(), h.len());
        let c = t.callback(&h[4]).unwrap();
        assert_eq!(c.name.as_deref(), Some("sign-off"));
        assert_eq!(c.path, "sign-offs/ada/sign-off");
        assert_eq!(c.callback_id, "cb==");
        assert!(c.selected_by("sign-off") && c.selected_by("sign-offs/ada/sign-off"));
        assert!(!c.selected_by("ada") && !c.selected_by("sign-offs/grace/sign-off"));
        assert_eq!(c.describe(), "`sign-offs/ada/sign-off`");
        let top = t.callback(&h[5]).unwrap();
        assert_eq!(
            (top.name.as_deref(), top.path.as_str()),
            (Some("approval"), "approval")
        );
        assert!(t.callback(&h[3]).is_none());
    }

    #[test]
    fn prints_readable_lines() {
        let h = history();
        let mut t = Timeline::new();
        t.new_events(&h);
        let lines: Vec<String> = h.iter().map(|e| t.line(e)).collect();
        assert_eq!(
            lines[0],
            "   1    +0.000s            ExecutionStarted           run-1  ← {\"n\":1}"
        );
        assert_eq!(
            lines[4],
            "   5    +0.013s                  CallbackStarted      sign-off"
        );
        assert_eq!(
            lines[7],
            "   8    +2.500s    2.487s        CallbackSucceeded    sign-off  → \"ok\""
        );
        assert_eq!(
            lines[8],
            "   9    +2.600s            StepFailed                 charge  attempt 1 failed: Declined: no funds; retry in 2s"
        );
        assert_eq!(
            lines[9],
            "  10    +3.000s    3.000s  ExecutionFailed            run-1  Declined: no funds"
        );
    }

    #[test]
    fn new_events_are_returned_once_even_when_renumbered() {
        let mut h = history();
        let mut t = Timeline::new();
        t.new_events(&h[..5]);
        // The emulator re-sorts: an event lands before one already seen, which moves down.
        h[4]["EventId"] = json!(6);
        h[5]["EventId"] = json!(5);
        let fresh: Vec<u64> = t.new_events(&h).iter().map(|e| event_id(e)).collect();
        assert_eq!(fresh, vec![5, 7, 8, 9, 10]);
        assert!(t.new_events(&h).is_empty());
    }

    #[test]
    fn formats_durations() {
        assert_eq!(duration(850), "850ms");
        assert_eq!(duration(2345), "2.345s");
        assert_eq!(duration(185_000), "3m05s");
        assert_eq!(relative(12), "+0.012s");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
