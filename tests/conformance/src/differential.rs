//! The `differential` backend: runs every requirement on AWS's emulator *and* on our local
//! engine and requires the two histories to be identical up to what legitimately differs
//! (timestamps, ids, request ids, ARNs) and the emulator's documented deviations
//! (docs/EMULATOR.md). Any other difference is a bug in our local engine or an undocumented
//! emulator deviation, and is reported as a failure naming the first differing event.
//!
//! The emulator's own verdict is kept: a requirement passes only if it passes on the emulator
//! and both histories agree.

use crate::backend::{Backend, Observed, RunOutcome, RunSpec};
use crate::emulator::EmulatorBackend;
use crate::local::LocalBackend;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Runs a requirement on both backends and compares the histories.
pub struct DifferentialBackend {
    emulator: EmulatorBackend,
    local: LocalBackend,
}

impl Default for DifferentialBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl DifferentialBackend {
    /// Both backends, with our handlers.
    pub fn new() -> Self {
        DifferentialBackend {
            emulator: EmulatorBackend::new(),
            local: LocalBackend::new(crate::handlers::registry()),
        }
    }
}

/// Requirements whose items run concurrently, so their events interleave differently from
/// run to run on any backend (the requirements themselves assert only the parent events).
const CONCURRENT: &[&str] = &["8-11", "9-11"];

impl Backend for DifferentialBackend {
    fn name(&self) -> &str {
        "differential"
    }

    fn run(&self, spec: &RunSpec) -> Result<RunOutcome, String> {
        let remote = match self.emulator.run(spec)? {
            RunOutcome::Observed(o) => o,
            other => return Ok(other),
        };
        let local = match self.local.run(spec)? {
            RunOutcome::Observed(o) => o,
            other => return Ok(other),
        };
        let mut a = normalize(&local.history, Side::Local);
        let mut b = normalize(&remote.history, Side::Emulator);
        if CONCURRENT.contains(&&*spec.id) {
            a.sort_by_key(Value::to_string);
            b.sort_by_key(Value::to_string);
        }
        let still_running = remote.status == "RUNNING";
        if still_running {
            // The emulator run stopped at its deadline (a long real-time wait): compare what
            // it recorded so far.
            a.truncate(b.len());
        }
        if let Some(diff) = first_difference(&a, &b) {
            return Err(format!("local and emulator histories differ: {diff}"));
        }
        if !still_running && local.status != remote.status {
            return Err(format!(
                "local ended {} but the emulator {}",
                local.status, remote.status
            ));
        }
        Ok(RunOutcome::Observed(Observed {
            deviations: remote.deviations.clone(),
            ..remote
        }))
    }

    fn parallelism(&self) -> usize {
        self.emulator.parallelism()
    }
}

/// Which backend a history comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Our local engine.
    Local,
    /// AWS's emulator (already repaired by the emulator backend).
    Emulator,
}

/// Reduces a history to what both backends must agree on.
pub fn normalize(history: &[Value], side: Side) -> Vec<Value> {
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut canonical = |id: &str| -> Value {
        let n = ids.len();
        Value::from(format!("op{}", ids.entry(id.to_owned()).or_insert(n)))
    };
    let mut out = Vec::new();
    for event in history {
        let Some(obj) = event.as_object() else { continue };
        let kind = obj.get("EventType").and_then(Value::as_str).unwrap_or("");
        // D3: the emulator records nothing for a crashed invocation; drop ours.
        if side == Side::Local
            && kind == "InvocationCompleted"
            && event
                .pointer("/InvocationCompletedDetails/Error")
                .is_some_and(|e| !e.is_null())
        {
            continue;
        }
        let mut e = Map::new();
        for (key, value) in obj {
            match key.as_str() {
                "EventTimestamp" | "EventId" => {}
                "Id" | "ParentId" => {
                    if let Some(id) = value.as_str() {
                        e.insert(key.clone(), canonical(id));
                    }
                }
                // The execution's name: the workflow locally, the execution name remotely.
                "Name" if kind.starts_with("Execution") => {}
                k if k.ends_with("Details") => {
                    e.insert(key.clone(), details(kind, value));
                }
                _ => {
                    e.insert(key.clone(), value.clone());
                }
            }
        }
        out.push(Value::Object(e));
    }
    out
}

/// The parts of an event's details both backends must agree on.
fn details(kind: &str, value: &Value) -> Value {
    let mut v = value.clone();
    let Some(obj) = v.as_object_mut() else { return v };
    match kind {
        // Timestamps, request ids (and the D1-repaired empty object).
        "InvocationCompleted" => return Value::Object(Map::new()),
        "ExecutionStarted" => {
            obj.remove("ExecutionTimeout");
            // No input: the emulator stores `null`, we store nothing; both mean "no input".
            if let Some(Value::Object(input)) = obj.get_mut("Input") {
                if input.get("Payload").is_none_or(Value::is_null) {
                    input.insert("Payload".into(), Value::from("null"));
                }
            }
        }
        // D2: the emulator writes no `RetryDetails` on a success after retries (or polls).
        "StepSucceeded"
            if obj
                .get("RetryDetails")
                .is_some_and(|r| r.get("NextAttemptDelaySeconds").is_none()) =>
        {
            obj.remove("RetryDetails");
        }
        "StepFailed" => {
            // D4: the emulator writes `NextAttemptDelaySeconds: 0` when no retry follows.
            if let Some(Value::Object(retry)) = obj.get_mut("RetryDetails") {
                if retry.get("NextAttemptDelaySeconds").and_then(Value::as_u64) == Some(0) {
                    retry.remove("NextAttemptDelaySeconds");
                }
            }
        }
        "WaitStarted" => {
            obj.remove("ScheduledEndTimestamp");
        }
        "CallbackStarted" => {
            obj.remove("CallbackId");
        }
        "ChainedInvokeStarted" => {
            obj.remove("DurableExecutionArn");
            obj.remove("FunctionName");
        }
        _ => {}
    }
    strip_truncated(&mut v);
    v
}

fn strip_truncated(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("Truncated");
            // Error messages may carry engine-specific wording (e.g. a crash's panic text).
            if let Some(Value::Object(error)) = map.get_mut("Payload") {
                error.remove("StackTrace");
            }
            for (_, child) in map.iter_mut() {
                strip_truncated(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_truncated),
        _ => {}
    }
}

/// The first differing event, described.
pub fn first_difference(local: &[Value], emulator: &[Value]) -> Option<String> {
    for (i, (a, b)) in local.iter().zip(emulator).enumerate() {
        if a != b {
            return Some(format!("event {}: local {a} vs emulator {b}", i + 1));
        }
    }
    match local.len().cmp(&emulator.len()) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(format!(
            "local has {} more event(s), first {}",
            local.len() - emulator.len(),
            local[emulator.len()]
        )),
        std::cmp::Ordering::Less => Some(format!(
            "the emulator has {} more event(s), first {}",
            emulator.len() - local.len(),
            emulator[local.len()]
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn volatile_fields_and_documented_deviations_are_ignored() {
        let local = vec![
            json!({"EventType": "ExecutionStarted", "EventId": 1, "Name": "conformance-1-1", "Id": "x", "EventTimestamp": 1.0,
                   "ExecutionStartedDetails": {"Input": {"Payload": "1", "Truncated": false}}}),
            json!({"EventType": "StepStarted", "EventId": 2, "Id": "c4ca", "SubType": "Step", "EventTimestamp": 1.0, "StepStartedDetails": {}}),
            json!({"EventType": "InvocationCompleted", "EventId": 3, "EventTimestamp": 1.5,
                   "InvocationCompletedDetails": {"RequestId": "r", "Error": {"Payload": {"ErrorType": "Runtime.ExitError"}}}}),
            json!({"EventType": "StepSucceeded", "EventId": 4, "Id": "c4ca", "SubType": "Step", "EventTimestamp": 2.0,
                   "StepSucceededDetails": {"Result": {"Payload": "1", "Truncated": false}}}),
        ];
        let emulator = vec![
            json!({"EventType": "ExecutionStarted", "EventId": 1, "Name": "1-1.7", "Id": "y", "EventTimestamp": 9.0,
                   "ExecutionStartedDetails": {"Input": {"Payload": "1", "Truncated": true}, "ExecutionTimeout": 300}}),
            json!({"EventType": "StepStarted", "EventId": 2, "Id": "9b9a", "SubType": "Step", "EventTimestamp": 9.0, "StepStartedDetails": {}}),
            json!({"EventType": "StepSucceeded", "EventId": 3, "Id": "9b9a", "SubType": "Step", "EventTimestamp": 9.0,
                   "StepSucceededDetails": {"Result": {"Payload": "1"}}}),
        ];
        assert_eq!(
            first_difference(
                &normalize(&local, Side::Local),
                &normalize(&emulator, Side::Emulator)
            ),
            None
        );
    }

    #[test]
    fn real_differences_are_reported() {
        let local = vec![
            json!({"EventType": "StepSucceeded", "Id": "a", "StepSucceededDetails": {"Result": {"Payload": "1"}}}),
        ];
        let emulator = vec![
            json!({"EventType": "StepSucceeded", "Id": "b", "StepSucceededDetails": {"Result": {"Payload": "2"}}}),
        ];
        let diff = first_difference(
            &normalize(&local, Side::Local),
            &normalize(&emulator, Side::Emulator),
        )
        .unwrap();
        assert!(diff.starts_with("event 1:"), "{diff}");
        let longer = vec![local[0].clone(), local[0].clone()];
        assert!(first_difference(
            &normalize(&longer, Side::Local),
            &normalize(&local, Side::Emulator)
        )
        .unwrap()
        .starts_with("local has 1 more"));
    }
}
