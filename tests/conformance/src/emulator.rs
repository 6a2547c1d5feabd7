//! The `emulator` backend: runs each requirement's handler as a real AWS Lambda function
//! (the `lambda_runtime` binaries of `tests/conformance-lambda`, checkpointing through
//! `aws-sdk-lambda`) under `cargo lambda watch`, driven by AWS's durable execution emulator
//! `dex-local-runner` (`../shared/reference/E2E.md`, PROTOCOL.md §5.3).
//!
//! On first use it installs both tools (pinned) into a virtualenv under `target/`, builds the
//! function binaries, picks two free loopback ports and starts the emulator (real time,
//! test-sized timeouts) and watch; every process it starts is killed when the backend is
//! dropped, or restarted when it dies. Installing, starting and the HTTP API are the
//! `durable-emulator` crate's, shared with the `durable-emulator run` command. Per requirement it starts an execution, answers
//! callbacks after the `InvocationCompleted` that follows each `CallbackStarted` (G7), waits
//! for a terminal status and fetches the history with `IncludeExecutionData=true`.
//!
//! **Emulator deviations.** Before the observation is matched, [`normalize`] repairs the
//! emulator's documented deviations from the service (docs/EMULATOR.md: D1, D2, D6–D9) and
//! records which ones it applied in [`Observed::deviations`], so a pass names them. This step
//! exists only on this backend; the matcher is the same for every backend.

use crate::backend::{Backend, Observed, RunOutcome, RunSpec};
use crate::registry::Registry;
use crate::requirement::CallbackOperation;
use durable_emulator::api::Dex;
use durable_emulator::history::event_id;
use durable_emulator::process::{log_file, run_quiet, tail};
use durable_emulator::server::{Config, Emulator};
use durable_emulator::tools::Tools;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use durable_emulator::api::encode;
pub use durable_emulator::tools::{CARGO_LAMBDA_PACKAGE, DEX_PACKAGE};

/// The function running every requirement's handler (see `durable-conformance-lambda`).
const FUNCTION: &str = "conformance";
/// The chained-invoke targets, each its own function.
const TARGETS: &[&str] = &["conformance-echo", "conformance-failing"];
/// How long one requirement may take (failed invocations are retried 5 s apart, G8).
const DEADLINE: Duration = Duration::from_secs(90);
/// Poll interval for status and history.
const POLL: Duration = Duration::from_millis(50);

/// The running servers (stopped when dropped) and where the functions write.
struct Session {
    emulator: Emulator,
    out_dir: PathBuf,
}

/// Runs handlers as Lambda functions on the emulator. See the module docs.
pub struct EmulatorBackend {
    registry: Registry,
    root: PathBuf,
    work: PathBuf,
    session: Mutex<Option<Session>>,
    counter: Mutex<u64>,
    on_finished: Option<Box<FinishedHook>>,
}

/// A check run on each finished execution while the emulator still serves it.
type FinishedHook = dyn Fn(&FinishedRun<'_>) -> Result<(), String> + Send + Sync;

/// A finished execution on the emulator, as [`EmulatorBackend::on_finished`] hooks see it.
#[derive(Debug)]
pub struct FinishedRun<'a> {
    /// The requirement or handler id.
    pub id: &'a str,
    /// The emulator's endpoint (`http://127.0.0.1:PORT`): what `AWS_ENDPOINT_URL_LAMBDA`
    /// points an aws-sdk-lambda client at.
    pub endpoint: String,
    /// The execution's ARN.
    pub execution_arn: &'a str,
    /// `GetDurableExecutionHistory(IncludeExecutionData=true).Events` as the emulator sent
    /// them, before any normalization.
    pub history: &'a [Value],
}

impl Default for EmulatorBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl EmulatorBackend {
    /// A backend for the workspace this crate was built in; nothing starts until the first run.
    pub fn new() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let root = root.canonicalize().unwrap_or(root);
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        EmulatorBackend {
            registry: crate::handlers::registry(),
            work: target.join("emulator"),
            root,
            session: Mutex::new(None),
            counter: Mutex::new(0),
            on_finished: None,
        }
    }

    /// Runs `hook` on every finished execution, while the emulator still serves it (e.g. to
    /// read its history through another client); an error fails the run.
    pub fn on_finished(
        mut self,
        hook: impl Fn(&FinishedRun<'_>) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.on_finished = Some(Box::new(hook));
        self
    }

    /// Creates the virtualenv with both tools, unless already there.
    fn install(&self) -> Result<(), String> {
        Tools::in_target_dir(self.work.parent().unwrap_or(&self.work)).install()
    }

    /// Builds the function binaries in the profile watch uses (debug), before watch starts
    /// (G10).
    fn build(&self) -> Result<(), String> {
        run_quiet(
            Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .current_dir(&self.root)
                .args(["build", "--quiet", "-p", "durable-conformance-lambda", "--bins"]),
            "cargo build -p durable-conformance-lambda",
        )
    }

    fn start(&self) -> Result<Session, String> {
        self.install()?;
        self.build()?;
        let n = {
            let mut n = self.counter.lock().unwrap_or_else(|p| p.into_inner());
            *n += 1;
            *n
        };
        let out_dir = self.work.join(format!("run-{}-{n}", std::process::id()));
        let configs: serde_json::Map<String, Value> = TARGETS
            .iter()
            .map(|t| {
                (
                    (*t).to_owned(),
                    json!({"DurableConfig": {"ExecutionTimeout": 60, "RetentionPeriodInDays": 1}}),
                )
            })
            .collect();
        let mut config = Config::new(
            Tools::in_target_dir(self.work.parent().unwrap_or(&self.work)),
            self.root.join("tests/conformance-lambda"),
            FUNCTION,
        );
        config.out_dir = out_dir.clone();
        config.function_configs = configs;
        // watch's --timeout 30, the emulator's --invocation-timeout 60.
        config.invocation_timeout = Duration::from_secs(30);
        config.env = vec![
            ("RUST_LOG".into(), "warn".into()),
            (
                "DURABLE_CONFORMANCE_OUT".into(),
                out_dir.to_string_lossy().into_owned(),
            ),
        ];
        let emulator = Emulator::start(&config)?;
        Ok(Session { emulator, out_dir })
    }

    fn next_name(&self, id: &str) -> String {
        let mut n = self.counter.lock().unwrap_or_else(|p| p.into_inner());
        *n += 1;
        format!("{id}.{}-{}", *n, fastrand::u32(..))
    }
}

/// A callback answer due at a wall-clock instant.
struct Scheduled {
    at: Instant,
    callback_id: String,
    operation: CallbackOperation,
    body: Option<String>,
    error: Option<Value>,
}

impl Backend for EmulatorBackend {
    fn name(&self) -> &str {
        "emulator"
    }

    fn run(&self, spec: &RunSpec) -> Result<RunOutcome, String> {
        if self.registry.handler(&spec.id).is_none() {
            let reason = self
                .registry
                .gap(&spec.id)
                .unwrap_or("no handler is registered for this requirement");
            return Ok(RunOutcome::NotImplemented(reason.to_owned()));
        }
        // Only starting (or restarting) the servers is exclusive; requirements then run
        // concurrently against them, each with an execution of its own.
        let view = {
            let mut guard = self.session.lock().unwrap_or_else(|p| p.into_inner());
            let healthy = match guard.as_mut() {
                // A crashed function process wedges watch (G9): restart both.
                Some(s) => s.emulator.healthy().is_ok(),
                None => false,
            };
            if !healthy {
                *guard = None; // kills what is left before starting afresh
                *guard = Some(self.start()?);
            }
            let session = guard.as_ref().ok_or("the emulator did not start")?;
            SessionView {
                dex: session.emulator.dex(),
                out_dir: session.out_dir.clone(),
                dex_log: session.emulator.dex_log().to_path_buf(),
                watch_log: session.emulator.watch_log().to_path_buf(),
            }
        };
        let result = self.run_on(&view, spec);
        if let Err(e) = &result {
            return Err(format!(
                "{e}\n--- dex-local-runner log (tail):\n{}\n--- cargo lambda watch log (tail):\n{}",
                tail(&view.dex_log, 20),
                tail(&view.watch_log, 20)
            ));
        }
        result
    }

    fn parallelism(&self) -> usize {
        // Runs spend most of their time in real-time waits and callback delays, not in the
        // function, so several at once cut the wall time without contending much.
        6
    }
}

/// What a run needs of the session, copied out so runs need no lock.
struct SessionView {
    dex: Dex,
    out_dir: PathBuf,
    dex_log: PathBuf,
    watch_log: PathBuf,
}

impl EmulatorBackend {
    fn run_on(&self, s: &SessionView, spec: &RunSpec) -> Result<RunOutcome, String> {
        let dex = s.dex;
        let mut start = json!({
            "AccountId": "123456789012",
            "FunctionName": FUNCTION,
            "FunctionQualifier": "$LATEST",
            "ExecutionName": self.next_name(&spec.id),
            "ExecutionTimeoutSeconds": 300,
            "ExecutionRetentionPeriodDays": 1,
        });
        if let Some(input) = spec.input.as_ref().filter(|v| !v.is_null()) {
            start["Input"] = Value::String(input.to_string());
        }
        let arn = dex.start_execution(&start)?;

        let mut used = vec![false; spec.callback_actions.len()];
        let mut seen: HashSet<String> = HashSet::new();
        let mut waiting: Vec<(u64, String, String)> = Vec::new(); // (EventId, callback id, name)
        let mut scheduled: Vec<Scheduled> = Vec::new();
        let deadline = Instant::now() + DEADLINE;
        let execution = loop {
            let history = dex.history(&arn)?;
            for e in &history {
                if e.get("EventType").and_then(Value::as_str) != Some("CallbackStarted") {
                    continue;
                }
                let Some(id) = e
                    .pointer("/CallbackStartedDetails/CallbackId")
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                if seen.insert(id.to_owned()) {
                    let name = e.get("Name").and_then(Value::as_str).unwrap_or("").to_owned();
                    waiting.push((event_id(e), id.to_owned(), name));
                }
            }
            // G7: answer only after the invocation that started the callback has completed.
            let last_completed = history
                .iter()
                .filter(|e| e.get("EventType").and_then(Value::as_str) == Some("InvocationCompleted"))
                .map(event_id)
                .max()
                .unwrap_or(0);
            let ready: Vec<_> = waiting.iter().filter(|w| w.0 < last_completed).cloned().collect();
            waiting.retain(|w| w.0 >= last_completed);
            for (_, callback_id, name) in ready {
                let mut at = Instant::now();
                while let Some(i) = (0..spec.callback_actions.len())
                    .find(|&i| !used[i] && spec.callback_actions[i].matches(&name, &spec.placeholders))
                {
                    used[i] = true;
                    let action = &spec.callback_actions[i];
                    at += action.delay();
                    scheduled.push(Scheduled {
                        at,
                        callback_id: callback_id.clone(),
                        operation: action.operation,
                        body: action.success_body(&spec.placeholders),
                        error: action.failure_error(&spec.placeholders).ok().flatten(),
                    });
                    if action.operation != CallbackOperation::Heartbeat {
                        break;
                    }
                }
            }
            let now = Instant::now();
            let (due, later): (Vec<_>, Vec<_>) = scheduled.into_iter().partition(|a| a.at <= now);
            scheduled = later;
            for a in due {
                send_callback(&dex, &a)?;
            }
            let execution = dex.execution(&arn)?;
            let status = execution
                .get("Status")
                .and_then(Value::as_str)
                .unwrap_or("RUNNING");
            if status != "RUNNING" {
                break execution;
            }
            if Instant::now() > deadline {
                if spec.async_invoke && !spec.expects_result {
                    break execution;
                }
                return Err(format!(
                    "execution {arn} still RUNNING after {}s",
                    DEADLINE.as_secs()
                ));
            }
            std::thread::sleep(POLL);
        };
        let mut history = dex.history(&arn)?;
        save_history(spec, &history);
        if let Some(hook) = &self.on_finished {
            hook(&FinishedRun {
                id: &spec.id,
                endpoint: dex.endpoint(),
                execution_arn: &arn,
                history: &history,
            })?;
        }
        let key = arn
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect::<String>();
        let logs = read_jsonl(&s.out_dir.join(format!("{key}.logs.jsonl")));
        let checkpoints = read_jsonl(&s.out_dir.join(format!("{key}.checkpoints.jsonl")));
        record_calls(&self.work, spec, checkpoints.len());
        let deviations = normalize(&mut history, &checkpoints);
        Ok(RunOutcome::Observed(Observed {
            status: execution
                .get("Status")
                .and_then(Value::as_str)
                .unwrap_or("RUNNING")
                .to_owned(),
            result: execution.get("Result").and_then(Value::as_str).map(str::to_owned),
            error: execution.get("Error").cloned().filter(|e| !e.is_null()),
            history,
            logs,
            deviations,
        }))
    }
}

fn send_callback(dex: &Dex, a: &Scheduled) -> Result<(), String> {
    // An answer to a callback that already ended (timed out: 404) is not the harness's
    // failure.
    match a.operation {
        CallbackOperation::Success => {
            dex.succeed_callback(&a.callback_id, a.body.as_deref().unwrap_or_default().as_bytes())?
        }
        CallbackOperation::Failure => {
            dex.fail_callback(&a.callback_id, a.error.as_ref().unwrap_or(&json!({})))?
        }
        CallbackOperation::Heartbeat => dex.heartbeat_callback(&a.callback_id)?,
    };
    Ok(())
}

fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| Value::String(l.to_owned())))
        .collect()
}

/// With `DURABLE_CONFORMANCE_SAVE_HISTORIES=DIR`, writes the history the emulator recorded
/// (`GetDurableExecutionHistory` events, before any normalization) to `DIR/<id>.json`: fixtures
/// for replaying the current code against histories AWS's emulator recorded.
fn save_history(spec: &RunSpec, history: &[Value]) {
    let Some(dir) = std::env::var_os("DURABLE_CONFORMANCE_SAVE_HISTORIES") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let text = serde_json::to_string_pretty(&json!({ "Events": history })).unwrap_or_default();
    let _ = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(dir.join(format!("{}.json", spec.id)), text));
}

/// Appends `suite id calls` to `target/emulator/checkpoint-calls.tsv` (the number of
/// `CheckpointDurableExecution` calls our SDK made for the requirement).
fn record_calls(work: &Path, spec: &RunSpec, calls: usize) {
    if let Ok(mut f) = log_file(&work.join("checkpoint-calls.tsv")) {
        let _ = writeln!(f, "{}\t{}\t{calls}", spec.suite, spec.id);
    }
}

/// The updates our SDK sent, per operation id, in order (from the function's checkpoint
/// record, one JSON array of `OperationUpdate`s per call).
fn updates_by_id(checkpoints: &[Value]) -> HashMap<String, Vec<Value>> {
    let mut map: HashMap<String, Vec<Value>> = HashMap::new();
    for update in checkpoints.iter().filter_map(Value::as_array).flatten() {
        if let Some(id) = update.get("Id").and_then(Value::as_str) {
            map.entry(id.to_owned()).or_default().push(update.clone());
        }
    }
    map
}

/// Repairs the emulator's documented deviations in `history` (docs/EMULATOR.md) and returns
/// the ones it applied, each as `Dn (what)`. Values are restored only from what the SDK
/// under test demonstrably sent (`checkpoints`, the function's own record of its
/// `CheckpointDurableExecution` requests) or from the history itself, never invented:
///
/// - **D1**: `InvocationCompleted` without `InvocationCompletedDetails` gets an empty one;
/// - **D2**: `StepSucceeded` after `n` `StepFailed` of the same step gets
///   `RetryDetails.CurrentAttempt = n + 1`;
/// - **D6**: a wait-for-condition `StepSucceeded` written for a `RETRY` update gets back the
///   `Result.Payload` that update carried;
/// - **D7**: `CallbackStarted` gets `Timeout` / `HeartbeatTimeout` from the `START` update's
///   `CallbackOptions`;
/// - **D8**: `ChainedInvokeStarted` gets `ExecutedVersion: $LATEST` (the only version the
///   emulator runs);
/// - **D9**: `ChainedInvokeStarted` gets the `TenantId` of the `START` update.
pub fn normalize(history: &mut [Value], checkpoints: &[Value]) -> Vec<String> {
    let updates = updates_by_id(checkpoints);
    let mut applied: Vec<&str> = Vec::new();
    let mut note = |d: &'static str| {
        if !applied.contains(&d) {
            applied.push(d);
        }
    };
    let mut failures: HashMap<String, u64> = HashMap::new();
    let mut retries_seen: HashMap<String, usize> = HashMap::new();
    for event in history.iter_mut() {
        let ty = event
            .get("EventType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let id = event.get("Id").and_then(Value::as_str).unwrap_or("").to_owned();
        let Some(obj) = event.as_object_mut() else {
            continue;
        };
        match ty.as_str() {
            "InvocationCompleted" if !obj.contains_key("InvocationCompletedDetails") => {
                obj.insert("InvocationCompletedDetails".into(), json!({}));
                note("D1 (InvocationCompleted without InvocationCompletedDetails)");
            }
            "StepFailed" => *failures.entry(id).or_default() += 1,
            "StepSucceeded" => {
                let is_retry = obj
                    .get("StepSucceededDetails")
                    .and_then(|d| d.get("RetryDetails"))
                    .is_some();
                let payload_missing = obj
                    .get("StepSucceededDetails")
                    .and_then(|d| d.get("Result"))
                    .is_none_or(|r| r.get("Payload").is_none());
                if is_retry && payload_missing {
                    // D6: the n-th RETRY of this id carried the state this event lost.
                    let n = retries_seen.entry(id.clone()).or_default();
                    let payload = updates
                        .get(&id)
                        .into_iter()
                        .flatten()
                        .filter(|u| u.get("Action").and_then(Value::as_str) == Some("RETRY"))
                        .nth(*n)
                        .and_then(|u| u.get("Payload").cloned());
                    *n += 1;
                    if let Some(p) = payload {
                        obj.entry("StepSucceededDetails")
                            .or_insert_with(|| json!({}))
                            .as_object_mut()
                            .map(|d| d.insert("Result".into(), json!({"Payload": p, "Truncated": false})));
                        note("D6 (non-final wait_for_condition poll without its state)");
                    }
                } else if !is_retry {
                    let failed = failures.get(&id).copied().unwrap_or(0);
                    if failed > 0 {
                        obj.entry("StepSucceededDetails")
                            .or_insert_with(|| json!({}))
                            .as_object_mut()
                            .map(|d| d.insert("RetryDetails".into(), json!({"CurrentAttempt": failed + 1})));
                        note("D2 (StepSucceeded after a retry without RetryDetails)");
                    }
                }
            }
            "CallbackStarted" => {
                let options = updates
                    .get(&id)
                    .into_iter()
                    .flatten()
                    .find(|u| u.get("Action").and_then(Value::as_str) == Some("START"))
                    .and_then(|u| u.get("CallbackOptions").cloned());
                if let (Some(options), Some(details)) = (
                    options,
                    obj.get_mut("CallbackStartedDetails")
                        .and_then(Value::as_object_mut),
                ) {
                    for (from, to) in [
                        ("TimeoutSeconds", "Timeout"),
                        ("HeartbeatTimeoutSeconds", "HeartbeatTimeout"),
                    ] {
                        if let Some(v) = options.get(from).filter(|v| v.as_u64().is_some_and(|n| n > 0)) {
                            if !details.contains_key(to) {
                                details.insert(to.into(), v.clone());
                                note("D7 (CallbackStarted without Timeout/HeartbeatTimeout)");
                            }
                        }
                    }
                }
            }
            "ChainedInvokeStarted" => {
                let tenant = updates
                    .get(&id)
                    .into_iter()
                    .flatten()
                    .find(|u| u.get("Action").and_then(Value::as_str) == Some("START"))
                    .and_then(|u| u.pointer("/ChainedInvokeOptions/TenantId").cloned());
                if let Some(details) = obj
                    .get_mut("ChainedInvokeStartedDetails")
                    .and_then(Value::as_object_mut)
                {
                    if !details.contains_key("ExecutedVersion") {
                        details.insert("ExecutedVersion".into(), json!("$LATEST"));
                        note("D8 (ChainedInvokeStarted without ExecutedVersion)");
                    }
                    if let Some(t) = tenant.filter(|_| !details.contains_key("TenantId")) {
                        details.insert("TenantId".into(), t);
                        note("D9 (ChainedInvokeStarted without TenantId)");
                    }
                }
            }
            _ => {}
        }
    }
    applied.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_names_what_it_repairs() {
        let mut h = vec![
            json!({"EventType": "StepFailed", "EventId": 2, "Id": "s"}),
            json!({"EventType": "InvocationCompleted", "EventId": 3}),
            json!({"EventType": "StepSucceeded", "EventId": 4, "Id": "s", "StepSucceededDetails": {"Result": {"Payload": "1"}}}),
            json!({"EventType": "CallbackStarted", "EventId": 5, "Id": "c", "CallbackStartedDetails": {"CallbackId": "x"}}),
        ];
        let cps = vec![json!([{"Id": "c", "Action": "START", "CallbackOptions": {"TimeoutSeconds": 5}}])];
        let d = normalize(&mut h, &cps);
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(h[1]["InvocationCompletedDetails"], json!({}));
        assert_eq!(
            h[2]["StepSucceededDetails"]["RetryDetails"]["CurrentAttempt"],
            json!(2)
        );
        assert_eq!(h[3]["CallbackStartedDetails"]["Timeout"], json!(5));
        // A history without deviations is left alone.
        let mut clean =
            vec![json!({"EventType": "InvocationCompleted", "EventId": 1, "InvocationCompletedDetails": {}})];
        assert!(normalize(&mut clean, &[]).is_empty());
    }
}
