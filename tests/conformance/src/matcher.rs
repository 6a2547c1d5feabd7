//! Compares what a backend observed with what a requirement expects, with the semantics of
//! AWS's validator (`history.py`, `validate.py`, `cloudwatch.py`; PROTOCOL.md §6.2).
//!
//! [`evaluate`] runs the phases in AWS's order and stops at the first failing phase:
//! 1. history: expected events paired with actual ones by `EventId`, subset match of mappings
//!    (every expected key must exist), `{}` = any value of an existing key, `'*'` = anything,
//!    `${NAME}` binds then must be equal, `${/re/}` searches Python's `str(actual)`, lists
//!    element-wise with equal length, other values Python-equal after substituting known
//!    placeholders in strings (`2 == 2.0 == True`);
//! 2. result: status first; `Result` only when the status is `SUCCEEDED` and the key is present,
//!    compared with one `json.loads` of the actual result text (absent result = `None`);
//! 3. logs: per `ExpectedLogs` entry, the count of matching records, then `after`/`before`.

use serde_json::{Map, Value};
use serde_yaml_ng::Value as Yaml;

use crate::backend::Observed;
use crate::placeholders::{
    compile_regex, py_eq, py_repr, py_repr_str, py_repr_yaml, py_str, regex_placeholder, whole_placeholder,
    yaml_to_json, PlaceholderContext,
};
use crate::requirement::{ExpectedResult, LogExpectation, LogMatcher, Requirement};

/// All mismatches of the first failing phase (history, then result, then logs); empty = pass.
/// `ctx` must hold the requirement's `Variables`; history matching adds its bindings to it.
pub fn evaluate(req: &Requirement, observed: &Observed, ctx: &mut PlaceholderContext) -> Vec<String> {
    if req.expected_history.is_empty() {
        if !req.async_invoke {
            return vec!["No ExpectedExecutionHistory found in description file".to_owned()];
        }
    } else {
        let errors = match_history(&req.expected_history, &observed.history, ctx);
        if !errors.is_empty() {
            return errors;
        }
    }
    if let Some(expected) = &req.expected_result {
        let errors = check_result(expected, observed, ctx);
        if !errors.is_empty() {
            return errors;
        }
    }
    check_logs(&req.expected_logs, &observed.logs, ctx)
}

/// Matches expected events against the actual history; returns every mismatch, e.g.
/// `EventId 4:.InvocationCompletedDetails: key missing in actual event`.
pub fn match_history(expected: &[Yaml], actual: &[Value], ctx: &mut PlaceholderContext) -> Vec<String> {
    let mut errors = Vec::new();
    let indexed: Vec<(&Value, &Value)> = actual
        .iter()
        .filter_map(|e| e.get("EventId").filter(|id| !id.is_null()).map(|id| (id, e)))
        .collect();
    for (i, event) in expected.iter().enumerate() {
        let Some(map) = event.as_mapping() else {
            errors.push(format!(
                "expected event #{} is not a mapping: {}",
                i + 1,
                py_repr_yaml(event)
            ));
            continue;
        };
        let eid = match map.get("EventId") {
            None | Some(Yaml::Null) => {
                errors.push(format!("Expected event missing EventId: {}", py_repr_yaml(event)));
                continue;
            }
            Some(eid) => yaml_to_json(eid),
        };
        let prefix = format!("EventId {}:", py_str(&eid));
        // AWS indexes actual events in a dict keyed by EventId: the last duplicate wins.
        match indexed.iter().rev().find(|(id, _)| py_eq(id, &eid)) {
            None => errors.push(format!(
                "{prefix} no actual event with this EventId (the history has {} events)",
                actual.len()
            )),
            Some((_, actual_event)) => {
                let mut m = ValueMatcher {
                    ctx,
                    errors: &mut errors,
                    prefix: &prefix,
                };
                m.match_value(event, actual_event, "");
            }
        }
    }
    errors
}

/// Recursive matcher for one expected event.
struct ValueMatcher<'a> {
    ctx: &'a mut PlaceholderContext,
    errors: &'a mut Vec<String>,
    prefix: &'a str,
}

impl ValueMatcher<'_> {
    fn fail(&mut self, path: &str, msg: String) {
        self.errors.push(format!("{}{path}: {msg}", self.prefix));
    }

    fn match_value(&mut self, expected: &Yaml, actual: &Value, path: &str) {
        match expected {
            Yaml::Tagged(tagged) => self.match_value(&tagged.value, actual, path),
            Yaml::Mapping(m) if m.is_empty() => {}
            Yaml::String(s) if s == "*" => {}
            Yaml::String(s) if whole_placeholder(s).is_some() => {
                let name = whole_placeholder(s).unwrap_or_default();
                match self.ctx.get(name) {
                    Some(bound) if !py_eq(bound, actual) => {
                        let msg = format!(
                            "placeholder ${{{name}}} was previously bound to {}, but got {}",
                            py_repr(bound),
                            py_repr(actual)
                        );
                        self.fail(path, msg);
                    }
                    Some(_) => {}
                    None => {
                        let _ = self.ctx.bind(name, actual.clone());
                    }
                }
            }
            Yaml::String(s) if regex_placeholder(s).is_some() => {
                let pattern = regex_placeholder(s).unwrap_or_default();
                match compile_regex(pattern) {
                    Err(e) => self.fail(path, e),
                    Ok(re) if !re.is_match(&py_str(actual)) => {
                        let msg = format!(
                            "value {} does not match regex pattern {}",
                            py_repr(actual),
                            py_repr_str(pattern)
                        );
                        self.fail(path, msg);
                    }
                    Ok(_) => {}
                }
            }
            Yaml::Mapping(m) if actual.is_object() => {
                for (key, value) in m {
                    let key = match key {
                        Yaml::String(k) => k.clone(),
                        other => py_str(&yaml_to_json(other)),
                    };
                    let child = format!("{path}.{key}");
                    match actual.get(&key) {
                        None => self.fail(&child, "key missing in actual event".to_owned()),
                        Some(a) => self.match_value(value, a, &child),
                    }
                }
            }
            Yaml::Sequence(items) if actual.is_array() => {
                let actual_items = actual.as_array().map(Vec::as_slice).unwrap_or_default();
                if items.len() != actual_items.len() {
                    let msg = format!(
                        "list length mismatch (expected {}, got {})",
                        items.len(),
                        actual_items.len()
                    );
                    self.fail(path, msg);
                    return;
                }
                for (i, (e, a)) in items.iter().zip(actual_items).enumerate() {
                    self.match_value(e, a, &format!("{path}[{i}]"));
                }
            }
            Yaml::String(s) => {
                let resolved = Value::String(self.ctx.substitute_str(s));
                if !py_eq(&resolved, actual) {
                    let msg = format!("expected {}, got {}", py_repr(&resolved), py_repr(actual));
                    self.fail(path, msg);
                }
            }
            other => {
                if !py_eq(&yaml_to_json(other), actual) {
                    let msg = format!("expected {}, got {}", py_repr_yaml(other), py_repr(actual));
                    self.fail(path, msg);
                }
            }
        }
    }
}

/// The status mismatch message, when `ExecutionStatus` is expected and differs, e.g.
/// `ExecutionStatus: expected 'SUCCEEDED', got 'FAILED' (error: Err.Type: message)`.
pub fn status_mismatch(expected: &ExpectedResult, observed: &Observed) -> Option<String> {
    let status = expected.execution_status.as_deref().filter(|s| !s.is_empty())?;
    if observed.status == status {
        return None;
    }
    let error = observed
        .error
        .as_ref()
        .map(|e| format!(" (error: {})", describe_error(e)))
        .unwrap_or_default();
    Some(format!(
        "ExecutionStatus: expected {}, got {}{error}",
        py_repr_str(status),
        py_repr_str(&observed.status)
    ))
}

/// `ErrorType: ErrorMessage` of an `ErrorObject`, or its JSON text, cut to a readable length.
fn describe_error(error: &Value) -> String {
    let field = |k: &str| error.get(k).and_then(Value::as_str);
    let text = match (field("ErrorType"), field("ErrorMessage")) {
        (Some(t), Some(m)) => format!("{t}: {m}"),
        (Some(t), None) => t.to_owned(),
        (None, Some(m)) => m.to_owned(),
        (None, None) => error.to_string(),
    };
    const MAX: usize = 300;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// Checks `ExpectedResult` against the observed status and result (AWS's
/// `_validate_execution_result`).
pub fn check_result(expected: &ExpectedResult, observed: &Observed, ctx: &PlaceholderContext) -> Vec<String> {
    if let Some(msg) = status_mismatch(expected, observed) {
        return vec![msg];
    }
    if observed.status != "SUCCEEDED" {
        return Vec::new();
    }
    let Some(expected_result) = &expected.result else {
        return Vec::new();
    };
    let actual = match &observed.result {
        None => Value::Null,
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone())),
    };
    let expected_value = ctx.substitute_yaml(expected_result);
    if py_eq(&yaml_to_json(&expected_value), &actual) {
        Vec::new()
    } else {
        vec![format!(
            "Result: expected {}, got {}",
            py_repr_yaml(&expected_value),
            py_repr(&actual)
        )]
    }
}

/// The field maps AWS asserts on: objects as they are; a string is a raw line, parsed when it
/// is a JSON object, otherwise `{"message": line.strip()}`.
pub fn log_records(logs: &[Value]) -> Vec<Map<String, Value>> {
    logs.iter()
        .map(|record| match record {
            Value::Object(map) => map.clone(),
            other => {
                let line = py_str(other);
                let trimmed = line.trim();
                match serde_json::from_str::<Value>(trimmed) {
                    Ok(Value::Object(map)) if trimmed.starts_with('{') => map,
                    _ => Map::from_iter([("message".to_owned(), Value::String(trimmed.to_owned()))]),
                }
            }
        })
        .collect()
}

/// One field constraint of a log matcher, compiled.
enum FieldCheck {
    Regex(regex_lite::Regex),
    Value(Yaml),
}

/// A compiled log matcher: every field must be present and match.
struct CompiledMatcher(Vec<(String, FieldCheck)>);

impl CompiledMatcher {
    fn new(matcher: &LogMatcher) -> Result<Self, String> {
        let mut checks = Vec::with_capacity(matcher.len());
        for (field, expected) in matcher {
            let check = match expected.as_str() {
                Some(s) if s.len() >= 2 && s.starts_with('/') && s.ends_with('/') => {
                    FieldCheck::Regex(compile_regex(&s[1..s.len() - 1])?)
                }
                _ => FieldCheck::Value(expected.clone()),
            };
            checks.push((field.clone(), check));
        }
        Ok(Self(checks))
    }

    fn indices(&self, records: &[Map<String, Value>]) -> Vec<usize> {
        (0..records.len())
            .filter(|&i| self.matches(&records[i]))
            .collect()
    }

    fn matches(&self, record: &Map<String, Value>) -> bool {
        self.0.iter().all(|(field, check)| {
            record
                .get(field)
                .is_some_and(|actual| field_matches(check, actual))
        })
    }
}

/// AWS's `_value_matches`: strings compare stripped (or `/re/` search) against `str(actual)`;
/// bools only equal bools; numbers numerically; anything else by `str()`.
fn field_matches(check: &FieldCheck, actual: &Value) -> bool {
    let actual_str = || py_str(actual).trim().to_owned();
    match check {
        FieldCheck::Regex(re) => re.is_match(&actual_str()),
        FieldCheck::Value(Yaml::String(s)) => actual_str() == s.trim(),
        FieldCheck::Value(expected) => match (yaml_to_json(expected), actual) {
            (Value::Bool(e), Value::Bool(a)) => e == *a,
            (Value::Bool(_), _) | (_, Value::Bool(_)) => false,
            (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
            (e, a) => py_str(&e) == py_str(a),
        },
    }
}

fn matcher_repr(matcher: &LogMatcher) -> String {
    let items: Vec<String> = matcher
        .iter()
        .map(|(k, v)| format!("{}: {}", py_repr_str(k), py_repr_yaml(v)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn substitute_matcher(matcher: &LogMatcher, ctx: &PlaceholderContext) -> LogMatcher {
    matcher
        .iter()
        .map(|(k, v)| (k.clone(), ctx.substitute_yaml(v)))
        .collect()
}

/// Checks `ExpectedLogs` against the execution's log records (in emission order), after
/// substituting known placeholders (including those bound by the history, e.g. `${ID1}`).
pub fn check_logs(expected: &[LogExpectation], logs: &[Value], ctx: &PlaceholderContext) -> Vec<String> {
    let records = log_records(logs);
    let mut errors = Vec::new();
    for (i, entry) in expected.iter().enumerate() {
        let matcher = substitute_matcher(&entry.matcher, ctx);
        let fields: Vec<String> = matcher
            .iter()
            .map(|(k, v)| format!("{k}={}", py_repr_yaml(v)))
            .collect();
        let label = format!("ExpectedLogs[{i}] match({})", fields.join(", "));
        let own = match CompiledMatcher::new(&matcher) {
            Ok(m) => m.indices(&records),
            Err(e) => {
                errors.push(format!("{label}: {e}"));
                continue;
            }
        };
        errors.extend(count_errors(entry, own.len(), &label));
        for (direction, anchors) in [("after", &entry.after), ("before", &entry.before)] {
            for anchor in anchors {
                let anchor = substitute_matcher(anchor, ctx);
                let hits = match CompiledMatcher::new(&anchor) {
                    Ok(m) => m.indices(&records),
                    Err(e) => {
                        errors.push(format!("{label}: {direction} anchor: {e}"));
                        continue;
                    }
                };
                let (Some(&first_hit), Some(&last_hit)) = (hits.first(), hits.last()) else {
                    let repr = matcher_repr(&anchor);
                    errors.push(format!(
                        "{label}: {direction} anchor {repr} matched no log records"
                    ));
                    continue;
                };
                let (Some(&first_own), Some(&last_own)) = (own.first(), own.last()) else {
                    continue; // the count check already reports missing matches
                };
                let out_of_order = if direction == "after" {
                    first_own < last_hit
                } else {
                    last_own > first_hit
                };
                if out_of_order {
                    let repr = matcher_repr(&anchor);
                    errors.push(format!(
                        "{label}: expected all matches {direction} {repr} (log records out of order)"
                    ));
                }
            }
        }
    }
    errors
}

/// `count` exact; otherwise `min_count` / `max_count`; with none of them, at least one.
fn count_errors(entry: &LogExpectation, actual: usize, label: &str) -> Vec<String> {
    let actual = actual as u64;
    if let Some(count) = entry.count {
        return if actual == count {
            Vec::new()
        } else {
            vec![format!(
                "{label}: expected exactly {count} match(es), got {actual}"
            )]
        };
    }
    let unconstrained = entry.min_count.is_none() && entry.max_count.is_none();
    let min = if unconstrained { Some(1) } else { entry.min_count };
    let mut errors = Vec::new();
    if let Some(min) = min.filter(|&m| actual < m) {
        errors.push(format!(
            "{label}: expected at least {min} match(es), got {actual}"
        ));
    }
    if let Some(max) = entry.max_count.filter(|&m| actual > m) {
        errors.push(format!("{label}: expected at most {max} match(es), got {actual}"));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn history_errors(expected: &str, actual: Value) -> Vec<String> {
        let expected: Vec<Yaml> = serde_yaml_ng::from_str(expected).unwrap();
        let Value::Array(actual) = actual else { panic!() };
        match_history(&expected, &actual, &mut PlaceholderContext::new())
    }

    #[test]
    fn empty_mapping_and_star_need_only_the_key() {
        let expected = "- {EventId: 2, A: {}, B: '*'}";
        assert!(history_errors(expected, json!([{"EventId": 2, "A": "x", "B": null}])).is_empty());
        assert_eq!(
            history_errors(expected, json!([{"EventId": 2, "A": 1}])),
            ["EventId 2:.B: key missing in actual event"]
        );
    }

    #[test]
    fn literals_compare_like_python() {
        let expected = "- {EventId: 2, N: 2, F: 1.0, T: true, L: [1, x], S: '\"${X}\"'}";
        let ok = json!([{"EventId": 2.0, "N": 2.0, "F": 1, "T": 1, "L": [1.0, "x"], "S": "\"${X}\""}]);
        assert!(history_errors(expected, ok).is_empty());
        let bad = json!([{"EventId": 2, "N": "2", "F": 1, "T": true, "L": [1], "S": "\"${X}\""}]);
        assert_eq!(
            history_errors(expected, bad),
            [
                "EventId 2:.N: expected 2, got '2'",
                "EventId 2:.L: list length mismatch (expected 2, got 1)"
            ]
        );
    }

    #[test]
    fn regex_searches_python_str_of_the_value() {
        let expected = "- {EventId: 2, A: '${/^True$/}', B: '${/Error$/}', C: '${/^None$/}'}";
        assert!(history_errors(
            expected,
            json!([{"EventId": 2, "A": true, "B": "x.MyError", "C": null}])
        )
        .is_empty());
        assert_eq!(
            history_errors(
                expected,
                json!([{"EventId": 2, "A": 1, "B": "Errors", "C": null}])
            ),
            [
                "EventId 2:.A: value 1 does not match regex pattern '^True$'",
                "EventId 2:.B: value 'Errors' does not match regex pattern 'Error$'"
            ]
        );
    }

    #[test]
    fn logs_default_to_at_least_one_and_anchors_must_match() {
        let text = "ExpectedLogs:\n- match: {m: a}\n- match: {m: b}\n  max_count: 1\n  before: {m: zzz}\n";
        let entries = Requirement::parse(std::path::Path::new("s/1.yaml"), text)
            .unwrap()
            .expected_logs;
        let logs = [json!({"m": "b"}), json!("plain b"), json!(" {\"m\": \" b \"} ")];
        assert_eq!(
            check_logs(&entries, &logs, &PlaceholderContext::new()),
            [
                "ExpectedLogs[0] match(m='a'): expected at least 1 match(es), got 0",
                "ExpectedLogs[1] match(m='b'): expected at most 1 match(es), got 2",
                "ExpectedLogs[1] match(m='b'): before anchor {'m': 'zzz'} matched no log records",
            ]
        );
    }
}
