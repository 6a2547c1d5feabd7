//! The typed model of one requirement file (PROTOCOL.md §6.1) and directory loading.
//!
//! Expectations (`ExpectedExecutionHistory`, `ExpectedResult.Result`, `ExpectedLogs`) are kept as
//! YAML values so the file's key order survives (it decides which mismatch is reported first,
//! and the byte form of a callback payload); see [`crate::matcher`] for how they are compared.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use serde_yaml_ng::{Mapping, Value as Yaml};

use crate::placeholders::{
    compile_regex, py_float_repr, py_repr, py_str, regex_placeholder, yaml_to_json, PlaceholderContext,
};

/// One requirement: `<suite>/<id>.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The file stem, e.g. `4-7`.
    pub id: String,
    /// The parent directory name, e.g. `callback`.
    pub suite: String,
    /// The file it was loaded from.
    pub path: PathBuf,
    /// `description`: a one-line title.
    pub description: String,
    /// `handler`: prose describing the test function.
    pub handler: String,
    /// `invocations`: prose describing each invocation.
    pub invocations: String,
    /// `optional: true`: a failure is reported as `OPTIONAL_FAILED`.
    pub optional: bool,
    /// `AsyncInvoke: true`: invoke asynchronously and poll the history.
    pub async_invoke: bool,
    /// `AsyncConfig` polling overrides.
    pub async_config: AsyncConfig,
    /// `Variables`, in file order.
    pub variables: Vec<(String, Yaml)>,
    /// `Input`, before placeholder substitution (`Null` when absent or empty).
    pub input: Yaml,
    /// `ExpectedResult`, when present.
    pub expected_result: Option<ExpectedResult>,
    /// `CallbackActions`, in file order.
    pub callback_actions: Vec<CallbackAction>,
    /// `ExpectedExecutionHistory`: the expected events, with placeholders.
    pub expected_history: Vec<Yaml>,
    /// `ExpectedLogs`.
    pub expected_logs: Vec<LogExpectation>,
}

/// `AsyncConfig`: how AWS's runner polls an async execution.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct AsyncConfig {
    /// Seconds between history polls (default 2).
    #[serde(rename = "PollIntervalSeconds", default = "default_poll")]
    pub poll_interval_seconds: f64,
    /// Seconds without new events before giving up (default 30).
    #[serde(rename = "NoProgressTimeoutSeconds", default = "default_no_progress")]
    pub no_progress_timeout_seconds: f64,
}

fn default_poll() -> f64 {
    2.0
}

fn default_no_progress() -> f64 {
    30.0
}

impl Default for AsyncConfig {
    fn default() -> Self {
        Self {
            poll_interval_seconds: default_poll(),
            no_progress_timeout_seconds: default_no_progress(),
        }
    }
}

/// `ExpectedResult`: checked against `GetDurableExecution`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExpectedResult {
    /// `ExecutionStatus` (not checked when absent or empty).
    pub execution_status: Option<String>,
    /// `Result`: `None` when the key is absent (not checked); `Some(Null)` for `Result:` / `null`.
    pub result: Option<Yaml>,
}

/// What an external system does to a callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackOperation {
    /// `SendDurableExecutionCallbackSuccess` with [`CallbackAction::success_body`].
    Success,
    /// `SendDurableExecutionCallbackFailure` with [`CallbackAction::failure_error`].
    Failure,
    /// `SendDurableExecutionCallbackHeartbeat` (does not consume the callback).
    Heartbeat,
}

/// One entry of `CallbackActions`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackAction {
    /// `CallbackName`: `'*'`, an exact name (placeholders allowed) or `${/re/}`.
    pub callback_name: String,
    /// `Operation`.
    pub operation: CallbackOperation,
    /// `Payload` as JSON (key order not kept; before placeholder substitution).
    pub payload: Option<Value>,
    /// `Delay`: seconds to wait before sending.
    pub delay_seconds: f64,
    /// `Payload` as written, for byte-exact `json.dumps`.
    raw_payload: Option<Yaml>,
}

impl CallbackAction {
    /// Whether this action applies to a `CallbackStarted` event with this `Name` (use `""` for
    /// an unnamed callback): `'*'`, equal after substitution, or a `${/re/}` search.
    pub fn matches(&self, event_name: &str, ctx: &PlaceholderContext) -> bool {
        let resolved = ctx.substitute_str(&self.callback_name);
        if resolved == "*" || resolved == event_name {
            return true;
        }
        regex_placeholder(&resolved)
            .and_then(|pattern| compile_regex(pattern).ok())
            .is_some_and(|re| re.is_match(event_name))
    }

    /// The success `Result` body: Python's `json.dumps(Payload)` after substitution, or `None`
    /// when there is no payload (AWS then sends no `Result`).
    pub fn success_body(&self, ctx: &PlaceholderContext) -> Option<String> {
        match &self.raw_payload {
            None | Some(Yaml::Null) => None,
            Some(payload) => Some(py_json_dumps(&ctx.substitute_yaml(payload))),
        }
    }

    /// The failure `Error` object (`ErrorType`, `ErrorMessage`, `ErrorData`, `StackTrace`, the
    /// keys present in the payload) after substitution; `Ok(None)` sends no `Error`. A payload
    /// that is not a mapping is an error, as in AWS's runner.
    pub fn failure_error(&self, ctx: &PlaceholderContext) -> Result<Option<Value>, String> {
        let payload = match &self.raw_payload {
            None | Some(Yaml::Null) => return Ok(None),
            Some(payload) => yaml_to_json(&ctx.substitute_yaml(payload)),
        };
        let Value::Object(map) = payload else {
            return Err(format!(
                "failure callback payload must be a mapping containing \
                 ErrorType/ErrorMessage/ErrorData/StackTrace fields, got {}",
                py_repr(&payload)
            ));
        };
        let error: serde_json::Map<String, Value> = ["ErrorType", "ErrorMessage", "ErrorData", "StackTrace"]
            .iter()
            .filter_map(|key| map.get(*key).map(|v| ((*key).to_owned(), v.clone())))
            .collect();
        Ok((!error.is_empty()).then_some(Value::Object(error)))
    }

    /// `Delay` as a duration (negative delays count as zero).
    pub fn delay(&self) -> std::time::Duration {
        std::time::Duration::try_from_secs_f64(self.delay_seconds).unwrap_or_default()
    }

    fn from_yaml(value: &Yaml) -> Result<Self, String> {
        let map = value.as_mapping().ok_or("a CallbackAction must be a mapping")?;
        let callback_name = match map.get("CallbackName") {
            Some(Yaml::String(s)) if !s.is_empty() => s.clone(),
            None | Some(Yaml::Null) | Some(Yaml::String(_)) => {
                return Err("CallbackAction requires a 'CallbackName' field".into())
            }
            Some(other) => py_str(&yaml_to_json(other)),
        };
        let operation = match map
            .get("Operation")
            .and_then(Yaml::as_str)
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("success") => CallbackOperation::Success,
            Some("failure") => CallbackOperation::Failure,
            Some("heartbeat") => CallbackOperation::Heartbeat,
            Some(other) => {
                return Err(format!(
                    "invalid operation '{other}'; must be one of: failure, heartbeat, success"
                ))
            }
            None => return Err("CallbackAction requires an 'Operation' field".into()),
        };
        let delay_seconds = match map.get("Delay") {
            None | Some(Yaml::Null) => 0.0,
            Some(Yaml::Number(n)) => n.as_f64().unwrap_or(0.0),
            Some(Yaml::String(s)) => s.trim().parse().map_err(|_| format!("invalid Delay '{s}'"))?,
            Some(_) => return Err("Delay must be a number of seconds".into()),
        };
        let raw_payload = map.get("Payload").cloned();
        Ok(Self {
            callback_name,
            operation,
            payload: raw_payload.as_ref().map(yaml_to_json),
            delay_seconds,
            raw_payload,
        })
    }
}

/// A log record matcher: field name → expected value (`/re/` strings are regex searches).
pub type LogMatcher = Vec<(String, Yaml)>;

/// One entry of `ExpectedLogs`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogExpectation {
    /// `match`: the fields a record must have (ANDed).
    pub matcher: LogMatcher,
    /// `count`: exact number of matching records.
    pub count: Option<u64>,
    /// `min_count`.
    pub min_count: Option<u64>,
    /// `max_count`.
    pub max_count: Option<u64>,
    /// `before`: every match must come at or before every record matching each anchor.
    pub before: Vec<LogMatcher>,
    /// `after`: every match must come at or after every record matching each anchor.
    pub after: Vec<LogMatcher>,
}

impl LogExpectation {
    fn from_yaml(value: &Yaml) -> Result<Self, String> {
        let map = value
            .as_mapping()
            .ok_or("an ExpectedLogs entry must be a mapping")?;
        let matcher = match map.get("match") {
            Some(Yaml::Mapping(m)) if !m.is_empty() => log_matcher(m)?,
            _ => return Err("'match' must be a non-empty field->value mapping".into()),
        };
        let count_field = |name: &str| match map.get(name) {
            None | Some(Yaml::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or(format!("'{name}' must be a non-negative integer")),
        };
        Ok(Self {
            matcher,
            count: count_field("count")?,
            min_count: count_field("min_count")?,
            max_count: count_field("max_count")?,
            before: anchors(map.get("before"))?,
            after: anchors(map.get("after"))?,
        })
    }
}

fn log_matcher(map: &Mapping) -> Result<LogMatcher, String> {
    Ok(map.iter().map(|(k, v)| (key_string(k), v.clone())).collect())
}

fn anchors(value: Option<&Yaml>) -> Result<Vec<LogMatcher>, String> {
    const MSG: &str = "'before'/'after' must be a matcher mapping or a list of matcher mappings";
    match value {
        None | Some(Yaml::Null) => Ok(Vec::new()),
        Some(Yaml::Mapping(m)) => Ok(vec![log_matcher(m)?]),
        Some(Yaml::Sequence(items)) => items
            .iter()
            .map(|item| item.as_mapping().ok_or(MSG.to_owned()).and_then(log_matcher))
            .collect(),
        Some(_) => Err(MSG.into()),
    }
}

fn key_string(key: &Yaml) -> String {
    match key {
        Yaml::String(s) => s.clone(),
        other => py_str(&yaml_to_json(other)),
    }
}

/// The file as written, before typing.
#[derive(Deserialize)]
struct RawRequirement {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    handler: Option<String>,
    #[serde(default)]
    invocations: Option<String>,
    #[serde(default)]
    optional: Option<bool>,
    #[serde(default, rename = "AsyncInvoke")]
    async_invoke: Option<bool>,
    #[serde(default, rename = "AsyncConfig")]
    async_config: Option<AsyncConfig>,
    #[serde(default, rename = "Variables")]
    variables: Option<Mapping>,
    #[serde(default, rename = "Input")]
    input: Yaml,
    #[serde(default, rename = "ExpectedResult")]
    expected_result: Option<Mapping>,
    #[serde(default, rename = "CallbackActions")]
    callback_actions: Option<Vec<Yaml>>,
    #[serde(default, rename = "ExpectedExecutionHistory")]
    expected_history: Option<Vec<Yaml>>,
    #[serde(default, rename = "ExpectedLogs")]
    expected_logs: Option<Vec<Yaml>>,
}

impl Requirement {
    /// Parses requirement text; `path` gives the id (file stem) and suite (parent directory).
    pub fn parse(path: &Path, text: &str) -> Result<Self, String> {
        let fail = |msg: String| format!("{}: {msg}", path.display());
        let raw: RawRequirement =
            serde_yaml_ng::from_str(text).map_err(|e| fail(format!("invalid requirement: {e}")))?;
        let name_of =
            |p: Option<&std::ffi::OsStr>| p.map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let expected_result = match raw.expected_result {
            None => None,
            Some(map) => Some(ExpectedResult {
                execution_status: match map.get("ExecutionStatus") {
                    None | Some(Yaml::Null) => None,
                    Some(Yaml::String(s)) => Some(s.clone()),
                    Some(_) => return Err(fail("ExpectedResult.ExecutionStatus must be a string".into())),
                },
                result: map.get("Result").cloned(),
            }),
        };
        let callback_actions = raw
            .callback_actions
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, v)| {
                CallbackAction::from_yaml(v).map_err(|e| fail(format!("CallbackActions[{i}]: {e}")))
            })
            .collect::<Result<_, _>>()?;
        let expected_logs = raw
            .expected_logs
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, v)| LogExpectation::from_yaml(v).map_err(|e| fail(format!("ExpectedLogs[{i}]: {e}"))))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            id: name_of(path.file_stem()),
            suite: name_of(path.parent().and_then(Path::file_name)),
            path: path.to_owned(),
            description: raw.description.unwrap_or_default(),
            handler: raw.handler.unwrap_or_default(),
            invocations: raw.invocations.unwrap_or_default(),
            optional: raw.optional.unwrap_or(false),
            async_invoke: raw.async_invoke.unwrap_or(false),
            async_config: raw.async_config.unwrap_or_default(),
            variables: raw
                .variables
                .unwrap_or_default()
                .iter()
                .map(|(k, v)| (key_string(k), v.clone()))
                .collect(),
            input: raw.input,
            expected_result,
            callback_actions,
            expected_history: raw.expected_history.unwrap_or_default(),
            expected_logs,
        })
    }

    /// Reads and parses one requirement file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Self::parse(path, &text)
    }

    /// `suite/id`, e.g. `step/1-1`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.suite, self.id)
    }
}

/// Loads every `*.yaml` under `dir` (recursively), sorted by suite then numeric id
/// (`1-2` before `1-10`). Every unreadable or invalid file is reported, each with its path.
pub fn load_dir(dir: &Path) -> Result<Vec<Requirement>, String> {
    if !dir.is_dir() {
        return Err(format!(
            "requirements directory {} does not exist or is not a directory",
            dir.display()
        ));
    }
    let mut files = Vec::new();
    collect_yaml(dir, &mut files)?;
    if files.is_empty() {
        return Err(format!("no requirement files (*.yaml) under {}", dir.display()));
    }
    let (reqs, errors): (Vec<_>, Vec<_>) = files
        .iter()
        .map(|f| Requirement::load(f))
        .partition(Result::is_ok);
    if !errors.is_empty() {
        return Err(errors
            .into_iter()
            .filter_map(Result::err)
            .collect::<Vec<_>>()
            .join("\n"));
    }
    let mut reqs: Vec<Requirement> = reqs.into_iter().filter_map(Result::ok).collect();
    reqs.sort_by(|a, b| (&a.suite, id_sort_key(&a.id)).cmp(&(&b.suite, id_sort_key(&b.id))));
    Ok(reqs)
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("{}: cannot list: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "yaml") {
            out.push(path);
        }
    }
    Ok(())
}

/// One piece of an id for natural ordering.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdPart {
    /// A run of digits, compared numerically.
    Number(u64),
    /// Any other run of characters.
    Text(String),
}

/// The natural sort key of an id: `1-10` → `[1, "-", 10]`.
pub fn id_sort_key(id: &str) -> Vec<IdPart> {
    let mut parts = Vec::new();
    let mut chars = id.chars().peekable();
    while let Some(&c) = chars.peek() {
        let digit = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit() == digit) {
            run.push(d);
            chars.next();
        }
        parts.push(match run.parse() {
            Ok(n) if digit => IdPart::Number(n),
            _ => IdPart::Text(run),
        });
    }
    parts
}

/// Keeps the requirements in the given suites (all when empty or containing `all`) and with the
/// given ids (all when empty). Naming a suite or id that does not exist is an error.
pub fn select(reqs: Vec<Requirement>, suites: &[String], ids: &[String]) -> Result<Vec<Requirement>, String> {
    let all_suites = suites.is_empty() || suites.iter().any(|s| s == "all");
    let unknown = |wanted: &[String], have: Vec<&str>, what: &str| -> Result<(), String> {
        let missing: Vec<&str> = wanted
            .iter()
            .map(String::as_str)
            .filter(|w| !have.contains(w))
            .collect();
        if missing.is_empty() || (what == "suite" && all_suites) {
            return Ok(());
        }
        let mut have = have;
        have.dedup();
        Err(format!(
            "unknown {what} {}; available: {}",
            missing.join(", "),
            have.join(", ")
        ))
    };
    let mut suite_names: Vec<&str> = reqs.iter().map(|r| r.suite.as_str()).collect();
    suite_names.sort_unstable();
    unknown(suites, suite_names, "suite")?;
    unknown(ids, reqs.iter().map(|r| &*r.id).collect(), "requirement id")?;
    Ok(reqs
        .into_iter()
        .filter(|r| all_suites || suites.contains(&r.suite))
        .filter(|r| ids.is_empty() || ids.contains(&r.id))
        .collect())
}

/// Python's `json.dumps(value)` with default settings: `", "` and `": "` separators,
/// `ensure_ascii=True` (`\uXXXX` escapes, surrogate pairs above U+FFFF), floats as `repr`.
pub fn py_json_dumps(value: &Yaml) -> String {
    let mut out = String::new();
    dump(value, &mut out);
    out
}

fn dump(value: &Yaml, out: &mut String) {
    match value {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Number(n) => out.push_str(&dump_number(n)),
        Yaml::String(s) => dump_str(s, out),
        Yaml::Sequence(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                dump(item, out);
            }
            out.push(']');
        }
        Yaml::Mapping(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    Yaml::Number(n) => dump_number(n),
                    Yaml::Null | Yaml::Bool(_) => py_json_dumps(k),
                    other => py_str(&yaml_to_json(other)),
                };
                dump_str(&key, out);
                out.push_str(": ");
                dump(v, out);
            }
            out.push('}');
        }
        Yaml::Tagged(tagged) => dump(&tagged.value, out),
    }
}

fn dump_number(n: &serde_yaml_ng::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    match n.as_f64() {
        Some(f) if f.is_nan() => "NaN".to_owned(),
        Some(f) if f.is_infinite() => if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned(),
        Some(f) => py_float_repr(f),
        None => "NaN".to_owned(),
    }
}

fn dump_str(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Yaml {
        serde_yaml_ng::from_str(text).unwrap()
    }

    #[test]
    fn json_dumps_matches_python() {
        let cases = [
            ("abc", r#""abc""#),
            (
                "'tab\there \"q\" back\\slash'",
                r#""tab\there \"q\" back\\slash""#,
            ),
            (
                r#""caf\u00e9 \U0001F600 \x7f""#,
                r#""caf\u00e9 \ud83d\ude00 \u007f""#,
            ),
            (
                "{b: 1, a: [1.5, true, null, 1e20, 2.0, -0.0]}",
                r#"{"b": 1, "a": [1.5, true, null, 1e+20, 2.0, -0.0]}"#,
            ),
            ("{status: approved}", r#"{"status": "approved"}"#),
            (
                "{1: x, false: y, ~: z}",
                r#"{"1": "x", "false": "y", "null": "z"}"#,
            ),
            (r#""\x01\b\f""#, r#""\u0001\b\f""#),
            ("[]", "[]"),
            ("{}", "{}"),
            ("\"\\x01\"", r#""\u0001""#),
            (".nan", "NaN"),
        ];
        for (input, expected) in cases {
            assert_eq!(py_json_dumps(&yaml(input)), expected, "json.dumps({input})");
        }
    }

    #[test]
    fn ids_sort_naturally() {
        let mut ids = vec!["1-10", "1-2", "10-1", "2-1", "1-1"];
        ids.sort_by_key(|id| id_sort_key(id));
        assert_eq!(ids, ["1-1", "1-2", "1-10", "2-1", "10-1"]);
    }

    #[test]
    fn parses_callback_actions_and_expected_result() {
        let text = "Variables:\n  CB: ${GEN_STR:4}\nInput:\nExpectedResult:\n  ExecutionStatus: SUCCEEDED\n  Result:\n\
                    CallbackActions:\n  - CallbackName: ${CB}\n    Operation: Heartbeat\n  - CallbackName: '*'\n    \
                    Operation: failure\n    Payload: {ErrorType: E, ErrorMessage: m, Other: x}\n    Delay: 1.5\n";
        let req = Requirement::parse(Path::new("/r/callback/4-99.yaml"), text).unwrap();
        assert_eq!((&*req.id, req.suite.as_str()), ("4-99", "callback"));
        assert_eq!(req.input, Yaml::Null);
        let expected = req.expected_result.unwrap();
        assert_eq!(expected.execution_status.as_deref(), Some("SUCCEEDED"));
        assert_eq!(expected.result, Some(Yaml::Null));
        let ctx = PlaceholderContext::from_variables(&req.variables);
        let cb = ctx.get("CB").unwrap().as_str().unwrap().to_owned();
        let [heartbeat, failure] = &req.callback_actions[..] else {
            panic!()
        };
        assert_eq!(heartbeat.operation, CallbackOperation::Heartbeat);
        assert!(heartbeat.matches(&cb, &ctx) && !heartbeat.matches("other", &ctx));
        assert!(failure.matches("", &ctx));
        assert_eq!(failure.delay(), std::time::Duration::from_millis(1500));
        assert_eq!(
            failure.failure_error(&ctx).unwrap(),
            Some(serde_json::json!({"ErrorType": "E", "ErrorMessage": "m"}))
        );
        assert_eq!(heartbeat.success_body(&ctx), None);
    }

    #[test]
    fn success_body_substitutes_then_dumps_and_regex_names_match() {
        let text = "CallbackActions:\n  - CallbackName: ${/^appr.*/}\n    Operation: success\n    \
                    Payload: {z: '${P}', a: \"caf\u{e9}\"}\n  - CallbackName: x\n    Operation: failure\n    Payload: oops\n";
        let req = Requirement::parse(Path::new("s/1-1.yaml"), text).unwrap();
        let mut ctx = PlaceholderContext::new();
        ctx.bind("P", serde_json::json!("v")).unwrap();
        let action = &req.callback_actions[0];
        assert!(action.matches("approval", &ctx) && !action.matches("xapproval", &ctx));
        assert_eq!(
            action.success_body(&ctx).unwrap(),
            r#"{"z": "v", "a": "caf\u00e9"}"#
        );
        assert!(req.callback_actions[1]
            .failure_error(&ctx)
            .unwrap_err()
            .contains("got 'oops'"));
    }

    #[test]
    fn bad_files_name_the_file() {
        let err = Requirement::parse(Path::new("dir/step/1-1.yaml"), "Input: [unclosed").unwrap_err();
        assert!(
            err.starts_with("dir/step/1-1.yaml: invalid requirement:"),
            "{err}"
        );
        let err = Requirement::parse(
            Path::new("s/1-1.yaml"),
            "CallbackActions:\n  - Operation: success\n",
        )
        .unwrap_err();
        assert_eq!(
            err,
            "s/1-1.yaml: CallbackActions[0]: CallbackAction requires a 'CallbackName' field"
        );
        let err = Requirement::parse(Path::new("s/1-1.yaml"), "ExpectedLogs:\n  - count: 1\n").unwrap_err();
        assert!(err.contains("ExpectedLogs[0]: 'match' must be"), "{err}");
    }
}
