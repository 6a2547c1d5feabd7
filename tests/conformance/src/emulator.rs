//! The `emulator` backend: runs each requirement's handler as a real AWS Lambda function
//! (the `lambda_runtime` binaries of `tests/conformance-lambda`, checkpointing through
//! `aws-sdk-lambda`) under `cargo lambda watch`, driven by AWS's durable execution emulator
//! `dex-local-runner` (`../shared/reference/E2E.md`, PROTOCOL.md §5.3).
//!
//! On first use it installs both tools (pinned) into a virtualenv under `target/`, builds the
//! function binaries, picks two free loopback ports and starts the emulator (real time,
//! test-sized timeouts) and watch; every process it starts is killed when the backend is
//! dropped, or restarted when it dies. Per requirement it starts an execution, answers
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
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `aws-durable-execution-sdk-python-testing`, which provides `dex-local-runner`.
pub const DEX_PACKAGE: &str = "aws-durable-execution-sdk-python-testing==1.4.0";
/// `cargo-lambda`, which provides `cargo lambda watch`.
pub const CARGO_LAMBDA_PACKAGE: &str = "cargo-lambda==1.9.2";
/// The function running every requirement's handler (see `durable-conformance-lambda`).
const FUNCTION: &str = "conformance";
/// The chained-invoke targets, each its own function.
const TARGETS: &[&str] = &["conformance-echo", "conformance-failing"];
/// How long one requirement may take (failed invocations are retried 5 s apart, G8).
const DEADLINE: Duration = Duration::from_secs(90);
/// Poll interval for status and history.
const POLL: Duration = Duration::from_millis(50);

/// Kills a child process when dropped: SIGTERM, then SIGKILL after a grace period.
struct Guard {
    child: Child,
    what: &'static str,
    log: PathBuf,
}

impl Guard {
    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.alive() {
            return;
        }
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if !self.alive() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The two running processes and where they write.
struct Session {
    // Dropped in declaration order: watch first (its functions exit with it), then dex.
    watch: Guard,
    dex: Guard,
    dex_port: u16,
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

    fn venv_bin(&self, tool: &str) -> PathBuf {
        self.work.join("venv/bin").join(tool)
    }

    /// Creates the virtualenv with both tools, unless already there.
    fn install(&self) -> Result<(), String> {
        if self.venv_bin("dex-local-runner").exists() && self.venv_bin("cargo-lambda").exists() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.work).map_err(|e| e.to_string())?;
        let python = ["python3.11", "python3.12", "python3.13", "python3"]
            .into_iter()
            .find(|p| {
                Command::new(p)
                    .args(["-c", "import sys; assert sys.version_info >= (3, 11)"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .ok_or("the emulator needs Python >= 3.11 (python3.11 or newer on PATH)")?;
        run_quiet(
            Command::new(python)
                .args(["-m", "venv"])
                .arg(self.work.join("venv")),
            "python -m venv",
        )?;
        run_quiet(
            Command::new(self.venv_bin("pip")).args([
                "install",
                "--quiet",
                DEX_PACKAGE,
                CARGO_LAMBDA_PACKAGE,
            ]),
            "pip install",
        )
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
        let mut last = String::new();
        for _ in 0..3 {
            match self.start_once() {
                Ok(s) => return Ok(s),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn start_once(&self) -> Result<Session, String> {
        let dex_port = free_port()?;
        let lambda_port = free_port()?;
        let out_dir = self.work.join(format!("run-{}-{dex_port}", std::process::id()));
        std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
        let configs: serde_json::Map<String, Value> = TARGETS
            .iter()
            .map(|t| {
                (
                    (*t).to_owned(),
                    json!({"DurableConfig": {"ExecutionTimeout": 60, "RetentionPeriodInDays": 1}}),
                )
            })
            .collect();
        let dex_log = out_dir.join("dex.log");
        let mut dex = Guard {
            child: Command::new(self.venv_bin("dex-local-runner"))
                .args([
                    "start-server",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &dex_port.to_string(),
                ])
                .args(["--lambda-endpoint", &format!("http://127.0.0.1:{lambda_port}")])
                // Real time, not `--skip-time`: the HTTP emulator's time skipping records the
                // suspending invocation's completion after the timer it skipped (E2E.md §6)
                // and reorders callbacks against waits (D10); see docs/EMULATOR.md.
                .args(["--invocation-timeout", "60", "--log-level", "WARNING"])
                .args(["--function-configs", &Value::Object(configs).to_string()])
                .env("AWS_ACCESS_KEY_ID", "x")
                .env("AWS_SECRET_ACCESS_KEY", "x")
                .stdin(Stdio::null())
                .stdout(log_file(&dex_log)?)
                .stderr(log_file(&dex_log)?)
                .spawn()
                .map_err(|e| format!("cannot start dex-local-runner: {e}"))?,
            what: "dex-local-runner",
            log: dex_log,
        };
        wait_ready(&mut dex, || {
            http(dex_port, "GET", "/health", None).is_ok_and(|(s, _)| s == 200)
        })?;
        let watch_log = out_dir.join("watch.log");
        let mut watch = Guard {
            child: Command::new(self.venv_bin("cargo-lambda"))
                .current_dir(self.root.join("tests/conformance-lambda"))
                .args([
                    "lambda",
                    "watch",
                    "-A",
                    "127.0.0.1",
                    "-P",
                    &lambda_port.to_string(),
                ])
                .args(["--ignore-changes", "--timeout", "30"])
                .env("AWS_ENDPOINT_URL_LAMBDA", format!("http://127.0.0.1:{dex_port}"))
                .env("AWS_ACCESS_KEY_ID", "x")
                .env("AWS_SECRET_ACCESS_KEY", "x")
                .env("AWS_REGION", "us-west-2")
                .env("RUST_LOG", "warn")
                .env("DURABLE_CONFORMANCE_OUT", &out_dir)
                .stdin(Stdio::null())
                .stdout(log_file(&watch_log)?)
                .stderr(log_file(&watch_log)?)
                .spawn()
                .map_err(|e| format!("cannot start cargo lambda watch: {e}"))?,
            what: "cargo lambda watch",
            log: watch_log,
        };
        let probe = format!("/2015-03-31/functions/{FUNCTION}/invocations");
        wait_ready(&mut watch, || {
            http(lambda_port, "GET", &probe, None).is_ok_and(|(s, _)| s == 405)
        })?;
        // A busy port makes watch exit 0 after its probe was answered by someone else (G16).
        std::thread::sleep(Duration::from_millis(200));
        if !watch.alive() || !dex.alive() {
            return Err("an emulator process exited right after start-up (port taken?)".into());
        }
        Ok(Session {
            watch,
            dex,
            dex_port,
            out_dir,
        })
    }

    fn next_name(&self, id: &str) -> String {
        let mut n = self.counter.lock().unwrap_or_else(|p| p.into_inner());
        *n += 1;
        format!("{id}.{}-{}", *n, fastrand::u32(..))
    }
}

fn run_quiet(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn log_file(path: &Path) -> Result<std::fs::File, String> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn wait_ready(guard: &mut Guard, ready: impl Fn() -> bool) -> Result<(), String> {
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until {
        if !guard.alive() {
            return Err(format!(
                "{} exited during start-up; its log:\n{}",
                guard.what,
                tail(&guard.log)
            ));
        }
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "{} did not become ready; its log:\n{}",
        guard.what,
        tail(&guard.log)
    ))
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// What [`encode`] escapes: everything but RFC 3986's unreserved characters.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a path segment (everything but unreserved characters, G4).
pub fn encode(segment: &str) -> String {
    utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

/// One HTTP/1.1 request to `127.0.0.1:port`; returns the status and the body.
fn http(port: u16, method: &str, path: &str, body: Option<&[u8]>) -> Result<(u16, Vec<u8>), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    stream.write_all(body).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("malformed HTTP response")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("malformed HTTP status line")?;
    let mut payload = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        payload = dechunk(&payload);
    }
    Ok((status, payload))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 || data.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}

fn json_call(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let bytes = body.map(Value::to_string);
    let (status, out) = http(port, method, path, bytes.as_deref().map(str::as_bytes))?;
    if !(200..300).contains(&status) {
        return Err(format!(
            "{method} {path}: HTTP {status}: {}",
            String::from_utf8_lossy(&out)
        ));
    }
    if out.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&out).map_err(|e| format!("{method} {path}: {e}"))
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
                Some(s) => s.dex.alive() && s.watch.alive() && !watch_wedged(&s.watch.log),
                None => false,
            };
            if !healthy {
                *guard = None; // kills what is left before starting afresh
                *guard = Some(self.start()?);
            }
            let session = guard.as_ref().ok_or("the emulator did not start")?;
            SessionView {
                dex_port: session.dex_port,
                out_dir: session.out_dir.clone(),
                dex_log: session.dex.log.clone(),
                watch_log: session.watch.log.clone(),
            }
        };
        let result = self.run_on(&view, spec);
        if let Err(e) = &result {
            return Err(format!(
                "{e}\n--- dex-local-runner log (tail):\n{}\n--- cargo lambda watch log (tail):\n{}",
                tail(&view.dex_log),
                tail(&view.watch_log)
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
    dex_port: u16,
    out_dir: PathBuf,
    dex_log: PathBuf,
    watch_log: PathBuf,
}

/// A crashed function process wedges watch (G9).
fn watch_wedged(log: &Path) -> bool {
    std::fs::read_to_string(log).is_ok_and(|t| t.contains("command exited code="))
}

impl EmulatorBackend {
    fn run_on(&self, s: &SessionView, spec: &RunSpec) -> Result<RunOutcome, String> {
        let port = s.dex_port;
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
        let started = json_call(port, "POST", "/start-durable-execution", Some(&start))?;
        let arn = started
            .get("ExecutionArn")
            .and_then(Value::as_str)
            .ok_or("start-durable-execution returned no ExecutionArn")?
            .to_owned();
        let exec_path = format!("/2025-12-01/durable-executions/{}", encode(&arn));
        let history_path = format!("{exec_path}/history?IncludeExecutionData=true");

        let mut used = vec![false; spec.callback_actions.len()];
        let mut seen: HashSet<String> = HashSet::new();
        let mut waiting: Vec<(u64, String, String)> = Vec::new(); // (EventId, callback id, name)
        let mut scheduled: Vec<Scheduled> = Vec::new();
        let deadline = Instant::now() + DEADLINE;
        let execution = loop {
            let history = fetch_history(port, &history_path)?;
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
                send_callback(port, &a)?;
            }
            let execution = json_call(port, "GET", &exec_path, None)?;
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
        let mut history = fetch_history(port, &history_path)?;
        save_history(spec, &history);
        if let Some(hook) = &self.on_finished {
            hook(&FinishedRun {
                id: &spec.id,
                endpoint: format!("http://127.0.0.1:{port}"),
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

fn event_id(e: &Value) -> u64 {
    e.get("EventId").and_then(Value::as_u64).unwrap_or(0)
}

fn fetch_history(port: u16, path: &str) -> Result<Vec<Value>, String> {
    let mut events = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page_path = match &marker {
            Some(m) => format!("{path}&Marker={}", encode(m)),
            None => path.to_owned(),
        };
        let page = json_call(port, "GET", &page_path, None)?;
        if let Some(list) = page.get("Events").and_then(Value::as_array) {
            events.extend(list.iter().cloned());
        }
        match page.get("NextMarker") {
            Some(Value::String(m)) if !m.is_empty() => marker = Some(m.clone()),
            Some(Value::Number(n)) => marker = Some(n.to_string()),
            _ => return Ok(events),
        }
        if marker.is_some() && events.len() > 100_000 {
            return Err("history does not end".into());
        }
    }
}

fn send_callback(port: u16, a: &Scheduled) -> Result<(), String> {
    let base = format!(
        "/2025-12-01/durable-execution-callbacks/{}",
        encode(&a.callback_id)
    );
    let (path, body) = match a.operation {
        CallbackOperation::Success => (format!("{base}/succeed"), a.body.clone().unwrap_or_default()),
        CallbackOperation::Failure => (
            format!("{base}/fail"),
            a.error
                .as_ref()
                .map(Value::to_string)
                .unwrap_or_else(|| "{}".into()),
        ),
        CallbackOperation::Heartbeat => (format!("{base}/heartbeat"), String::new()),
    };
    let (status, out) = http(port, "POST", &path, Some(body.as_bytes()))?;
    // An answer to a callback that already ended (timed out) is not the harness's failure.
    if !(200..300).contains(&status) && status != 404 {
        return Err(format!(
            "POST {path}: HTTP {status}: {}",
            String::from_utf8_lossy(&out)
        ));
    }
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
    fn encodes_path_segments() {
        assert_eq!(encode("a/b+c=d"), "a%2Fb%2Bc%3Dd");
        assert_eq!(encode("x-1_2.3~"), "x-1_2.3~");
        assert_eq!(encode("é $"), "%C3%A9%20%24");
    }

    #[test]
    fn dechunks() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), b"abcde");
    }

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
