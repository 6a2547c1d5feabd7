//! `durable-emulator`: your durable Lambda function under AWS's durable execution emulator,
//! in one command.
//!
//! ```text
//! durable-emulator run [-p PACKAGE] [--bin FUNCTION] [-F FEATURES] --input JSON \
//!     [--answer NAME=JSON]... [--fail NAME=TYPE:MESSAGE]...
//! ```
//!
//! builds the function crate (so `cargo lambda watch` finds it built: an unbuilt function
//! compiles on its first invocation and the emulator's first invocations time out), installs
//! AWS's emulator and cargo-lambda once (pinned, into `TARGET_DIR/emulator/venv`), starts
//! both on free loopback ports, starts an execution with the input, prints its history as it
//! grows, answers each callback by name once the invocation that created it has ended, prints
//! the result, and stops both servers, on Ctrl-C and on failure too. The exit status is the
//! execution's outcome: 0 SUCCEEDED, 1 FAILED / TIMED_OUT / STOPPED, 2 usage, 3 the build
//! or the emulator's start-up failed, 4 the emulator stopped answering or the execution did
//! not end in time, 130 interrupted.

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use durable_emulator::api::{Answered, Dex};
use durable_emulator::history::{clip, error_text, event_id, event_type, Callback, Timeline};
use durable_emulator::process::tail;
use durable_emulator::server::{Config, Emulator};
use durable_emulator::tools::{Tools, CARGO_LAMBDA_PACKAGE, DEX_PACKAGE};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Exit statuses.
mod exit {
    pub const SUCCEEDED: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const SETUP: u8 = 3;
    pub const LOST: u8 = 4;
    pub const INTERRUPTED: u8 = 130;
}

/// Your durable Lambda function under AWS's durable execution emulator (dex-local-runner)
/// and cargo lambda watch.
#[derive(Parser, Debug)]
#[command(name = "durable-emulator", version)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Build the function, start the emulator and cargo lambda watch, run one execution,
    /// follow its history, answer its callbacks by name, stop everything. Exit status: 0
    /// SUCCEEDED, 1 FAILED/TIMED_OUT/STOPPED, 2 usage, 3 build or start-up failed, 4 the
    /// emulator stopped answering or the execution did not end in time, 130 interrupted.
    Run(Box<RunArgs>),
    /// Install AWS's emulator and cargo-lambda (pinned) into TARGET_DIR/emulator/venv, once.
    Install(CrateArgs),
}

/// Which crate, and where its tools go.
#[derive(Args, Debug)]
struct CrateArgs {
    /// The function crate's Cargo.toml [default: the crate of the current directory].
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// The function crate, by package name (in a workspace).
    #[arg(short, long, value_name = "PACKAGE")]
    package: Option<String>,
    /// The virtualenv holding the emulator and cargo-lambda [default:
    /// TARGET_DIR/emulator/venv].
    #[arg(long, value_name = "DIR")]
    venv: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct RunArgs {
    #[command(flatten)]
    krate: CrateArgs,
    /// The function: its binary, whose name is the function's name [default: the crate's
    /// only binary].
    #[arg(long, value_name = "NAME")]
    bin: Option<String>,
    /// Features to build the function with (as cargo's --features).
    #[arg(short = 'F', long, value_name = "FEATURES")]
    features: Vec<String>,
    /// Build without the crate's default features.
    #[arg(long)]
    no_default_features: bool,
    /// Build and run the release profile.
    #[arg(long)]
    release: bool,
    /// Pass --locked to cargo.
    #[arg(long)]
    locked: bool,
    /// The execution's input: JSON, or @FILE [default: none, which the function sees as
    /// `null`].
    #[arg(long, value_name = "JSON|@FILE")]
    input: Option<String>,
    /// The execution's name [default: FUNCTION-UNIXTIME].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Answer a callback: its name (or path, a/b/name) and the result to send. Repeat for
    /// more callbacks; answers for the same name are used in order.
    #[arg(long, value_name = "NAME=JSON")]
    answer: Vec<String>,
    /// Fail a callback: its name (or path) and the error to send.
    #[arg(long, value_name = "NAME=TYPE[:MESSAGE]")]
    fail: Vec<String>,
    /// The execution's timeout, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    timeout: u64,
    /// How long one invocation may take, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    invocation_timeout: u64,
    /// An environment variable for the function (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// Print the function's output (cargo lambda watch's log) on stderr as it comes.
    #[arg(long)]
    logs: bool,
    /// Write the final history to FILE ({"Events": [..]}; `durable replay --history FILE`
    /// replays a build against it).
    #[arg(long, value_name = "FILE")]
    save_history: Option<PathBuf>,
}

/// A failure: the exit status and what to say.
#[derive(Debug)]
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn new(code: u8, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let interrupted = on_signals();
    let outcome = match cli.command {
        Cmd::Install(args) => install(&args),
        Cmd::Run(args) => {
            let order = matches
                .subcommand_matches("run")
                .map(|m| (indices(m, "answer"), indices(m, "fail")))
                .unwrap_or_default();
            run(&args, order, &interrupted)
        }
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            let code = if interrupted.load(Ordering::SeqCst) {
                eprintln!("durable-emulator: interrupted; the emulator is stopped");
                exit::INTERRUPTED
            } else {
                eprintln!("durable-emulator: {}", f.message);
                f.code
            };
            ExitCode::from(code)
        }
    }
}

fn indices(m: &clap::ArgMatches, id: &str) -> Vec<usize> {
    m.indices_of(id).map(Iterator::collect).unwrap_or_default()
}

/// Sets the returned flag on SIGINT or SIGTERM (instead of dying at once: the servers must
/// be stopped first).
fn on_signals() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let set = flag.clone();
    let (ready, installed) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        rt.block_on(async move {
            use tokio::signal::unix::{signal, SignalKind};
            let (Ok(mut int), Ok(mut term)) =
                (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
            else {
                return;
            };
            let _ = ready.send(());
            std::future::poll_fn(|cx| {
                if int.poll_recv(cx).is_ready() || term.poll_recv(cx).is_ready() {
                    std::task::Poll::Ready(())
                } else {
                    std::task::Poll::Pending
                }
            })
            .await;
            set.store(true, Ordering::SeqCst);
        });
    });
    let _ = installed.recv_timeout(Duration::from_secs(2));
    flag
}

/// The function crate, as cargo knows it.
struct Function {
    package: String,
    manifest: PathBuf,
    crate_dir: PathBuf,
    target_dir: PathBuf,
    bin: String,
    bins: Vec<String>,
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn cargo_json(args: &[&str], manifest: Option<&Path>) -> Result<String, Failure> {
    let mut cmd = Command::new(cargo());
    cmd.args(args);
    if let Some(m) = manifest {
        cmd.arg("--manifest-path").arg(m);
    }
    let out = cmd
        .output()
        .map_err(|e| Failure::new(exit::SETUP, format!("cannot run cargo: {e}")))?;
    if !out.status.success() {
        return Err(Failure::new(
            exit::USAGE,
            format!(
                "cargo {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Finds the crate (`-p`, `--manifest-path`, or the current directory's) and its function.
fn locate(args: &CrateArgs, bin: Option<&str>) -> Result<Function, Failure> {
    let metadata = cargo_json(
        &["metadata", "--format-version", "1", "--no-deps"],
        args.manifest_path.as_deref(),
    )?;
    let metadata: Value = serde_json::from_str(&metadata)
        .map_err(|e| Failure::new(exit::SETUP, format!("cargo metadata: {e}")))?;
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let bins_of = |p: &Value| -> Vec<String> {
        p["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["kind"].as_array().is_some_and(|k| k.iter().any(|k| k == "bin")))
            .filter_map(|t| t["name"].as_str().map(str::to_owned))
            .collect()
    };
    let with_bins = || {
        packages
            .iter()
            .filter(|p| !bins_of(p).is_empty())
            .filter_map(|p| p["name"].as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let package = match &args.package {
        Some(name) => packages
            .iter()
            .find(|p| p["name"].as_str() == Some(name))
            .ok_or_else(|| {
                Failure::new(
                    exit::USAGE,
                    format!(
                        "no package `{name}` in this workspace (packages with binaries: {})",
                        with_bins()
                    ),
                )
            })?,
        None => {
            let manifest = match &args.manifest_path {
                Some(m) => m.clone(),
                None => PathBuf::from(cargo_json(
                    &["locate-project", "--message-format", "plain"],
                    None,
                )?),
            };
            let manifest = manifest.canonicalize().unwrap_or(manifest);
            packages
                .iter()
                .find(|p| {
                    p["manifest_path"]
                        .as_str()
                        .map(|m| Path::new(m).canonicalize().unwrap_or_else(|_| m.into()))
                        .is_some_and(|m| m == manifest)
                })
                .ok_or_else(|| {
                    Failure::new(
                        exit::USAGE,
                        format!(
                            "{} is a workspace without a package of its own: name the function's crate \
                             with -p (packages with binaries: {})",
                            manifest.display(),
                            with_bins()
                        ),
                    )
                })?
        }
    };
    let name = package["name"].as_str().unwrap_or_default().to_owned();
    let bins = bins_of(package);
    let bin = match bin {
        Some(b) if bins.iter().any(|x| x == b) => b.to_owned(),
        Some(b) => {
            return Err(Failure::new(
                exit::USAGE,
                format!("package `{name}` has no binary `{b}` (its binaries: {})", bins.join(", ")),
            ))
        }
        None if bins.len() == 1 => bins[0].clone(),
        None if bins.is_empty() => {
            return Err(Failure::new(
                exit::USAGE,
                format!("package `{name}` has no binary: a Lambda function is a binary whose main calls `durable_runtime::lambda::run`"),
            ))
        }
        None => {
            return Err(Failure::new(
                exit::USAGE,
                format!(
                    "package `{name}` has several binaries: pick the function with --bin ({})",
                    bins.join(", ")
                ),
            ))
        }
    };
    let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
    Ok(Function {
        package: name,
        crate_dir: manifest.parent().map(Path::to_path_buf).unwrap_or_default(),
        manifest,
        target_dir: PathBuf::from(metadata["target_directory"].as_str().unwrap_or("target")),
        bin,
        bins,
    })
}

fn tools_for(args: &CrateArgs, target_dir: &Path) -> Tools {
    match &args.venv {
        Some(v) => Tools::at(v),
        None => Tools::in_target_dir(target_dir),
    }
}

fn install_tools(tools: &Tools) -> Result<(), Failure> {
    if tools.installed() {
        return Ok(());
    }
    eprintln!(
        "durable-emulator: installing {DEX_PACKAGE} (AWS's emulator) and {CARGO_LAMBDA_PACKAGE} into {} (once)",
        tools.venv().display()
    );
    tools.install().map_err(|e| Failure::new(exit::SETUP, e))
}

fn install(args: &CrateArgs) -> Result<u8, Failure> {
    let target_dir = match &args.venv {
        Some(_) => PathBuf::new(),
        None => {
            let metadata = cargo_json(
                &["metadata", "--format-version", "1", "--no-deps"],
                args.manifest_path.as_deref(),
            )?;
            let metadata: Value = serde_json::from_str(&metadata)
                .map_err(|e| Failure::new(exit::SETUP, format!("cargo metadata: {e}")))?;
            PathBuf::from(metadata["target_directory"].as_str().unwrap_or("target"))
        }
    };
    let tools = tools_for(args, &target_dir);
    install_tools(&tools)?;
    println!("{}", tools.dex_local_runner().display());
    println!("{}", tools.cargo_lambda().display());
    Ok(exit::SUCCEEDED)
}

/// One `--answer` or `--fail`, in command-line order.
#[derive(Debug, Clone, PartialEq)]
enum Reply {
    Succeed { selector: String, result: String },
    Fail { selector: String, error: Value },
}

impl Reply {
    fn selector(&self) -> &str {
        match self {
            Reply::Succeed { selector, .. } | Reply::Fail { selector, .. } => selector,
        }
    }
}

fn split_pair<'a>(flag: &str, text: &'a str) -> Result<(&'a str, &'a str), Failure> {
    text.split_once('=')
        .filter(|(name, _)| !name.is_empty())
        .ok_or_else(|| Failure::new(exit::USAGE, format!("{flag} `{text}`: expected NAME=VALUE")))
}

/// `--answer`s and `--fail`s merged in the order they were given (`order` holds their
/// positions on the command line).
fn replies(args: &RunArgs, order: (Vec<usize>, Vec<usize>)) -> Result<Vec<Reply>, Failure> {
    let mut all: Vec<(usize, Reply)> = Vec::new();
    for (i, text) in args.answer.iter().enumerate() {
        let (name, json) = split_pair("--answer", text)?;
        let value: Value = serde_json::from_str(json).map_err(|e| {
            Failure::new(
                exit::USAGE,
                format!("--answer {name}=...: the result is not JSON ({e}): `{json}`"),
            )
        })?;
        let at = order.0.get(i).copied().unwrap_or(i);
        all.push((
            at,
            Reply::Succeed {
                selector: name.to_owned(),
                result: value.to_string(),
            },
        ));
    }
    for (i, text) in args.fail.iter().enumerate() {
        let (name, error) = split_pair("--fail", text)?;
        let (ty, message) = error.split_once(':').unwrap_or((error, ""));
        let mut e = json!({ "ErrorType": ty.trim() });
        if !message.trim().is_empty() {
            e["ErrorMessage"] = json!(message.trim());
        }
        let at = order.1.get(i).copied().unwrap_or(usize::MAX / 2 + i);
        all.push((
            at,
            Reply::Fail {
                selector: name.to_owned(),
                error: e,
            },
        ));
    }
    all.sort_by_key(|(at, _)| *at);
    Ok(all.into_iter().map(|(_, r)| r).collect())
}

fn input(args: &RunArgs) -> Result<Option<String>, Failure> {
    let Some(given) = &args.input else {
        return Ok(None);
    };
    let text = match given.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Failure::new(exit::USAGE, format!("--input @{path}: {e}")))?,
        None => given.clone(),
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::new(exit::USAGE, format!("--input is not JSON ({e})")))?;
    Ok(Some(value.to_string()))
}

/// Runs `cmd`, killing it if a signal arrives.
fn run_interruptibly(cmd: &mut Command, what: &str, interrupted: &AtomicBool) -> Result<(), Failure> {
    let mut child = cmd
        .spawn()
        .map_err(|e| Failure::new(exit::SETUP, format!("cannot run {what}: {e}")))?;
    loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| Failure::new(exit::SETUP, e.to_string()))?
        {
            return if status.success() {
                Ok(())
            } else {
                Err(Failure::new(exit::SETUP, format!("{what} failed ({status})")))
            };
        }
        if interrupted.load(Ordering::SeqCst) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failure::new(exit::INTERRUPTED, "interrupted"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The cargo options the function is built with; watch gets the same, so it does not build
/// again (G10).
fn build_options(args: &RunArgs) -> Vec<String> {
    let mut options = Vec::new();
    for f in &args.features {
        options.push("--features".to_owned());
        options.push(f.clone());
    }
    if args.no_default_features {
        options.push("--no-default-features".into());
    }
    if args.release {
        options.push("--release".into());
    }
    if args.locked {
        options.push("--locked".into());
    }
    options
}

fn run(args: &RunArgs, order: (Vec<usize>, Vec<usize>), interrupted: &AtomicBool) -> Result<u8, Failure> {
    let replies = replies(args, order)?;
    let input = input(args)?;
    let mut env = Vec::new();
    for pair in &args.env {
        let (k, v) = split_pair("--env", pair)?;
        env.push((k.to_owned(), v.to_owned()));
    }
    let function = locate(&args.krate, args.bin.as_deref())?;
    let tools = tools_for(&args.krate, &function.target_dir);
    install_tools(&tools)?;

    // 1. Build first: watch builds a function on its first invocation, which then times out.
    let options = build_options(args);
    let mut build = Command::new(cargo());
    build
        .arg("build")
        .arg("--manifest-path")
        .arg(&function.manifest)
        .args(["--bin", &function.bin]);
    if function.bins.len() > 1 {
        // The crate's other binaries are functions too (chained-invoke targets).
        build.arg("--bins");
    }
    build.args(&options);
    eprintln!(
        "durable-emulator: building `{}` of {} (cargo build --bin {}{}{})",
        function.bin,
        function.package,
        function.bin,
        if function.bins.len() > 1 { " --bins" } else { "" },
        options.iter().map(|o| format!(" {o}")).collect::<String>()
    );
    run_interruptibly(&mut build, "cargo build", interrupted)?;
    if interrupted.load(Ordering::SeqCst) {
        return Err(Failure::new(exit::INTERRUPTED, "interrupted"));
    }

    // 2. The emulator and watch.
    let out_dir =
        function
            .target_dir
            .join("emulator")
            .join(format!("{}-{}", function.bin, std::process::id()));
    let mut config = Config::new(tools, &function.crate_dir, &function.bin);
    config.watch_args = options;
    config.out_dir = out_dir;
    config.invocation_timeout = Duration::from_secs(args.invocation_timeout.max(1));
    // watch's own log stays quiet; the function logs at RUST_LOG (default `info`).
    config.env.push(("RUST_LOG".into(), "warn".into()));
    if !env.iter().any(|(k, _)| k == "RUST_LOG") {
        let level = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
        config.function_env.push(("RUST_LOG".into(), level));
    }
    config.function_env.extend(env);
    let mut emulator = Emulator::start(&config).map_err(|e| Failure::new(exit::SETUP, e))?;
    let dex = emulator.dex();
    eprintln!(
        "durable-emulator: AWS's emulator on {}, cargo lambda watch on http://127.0.0.1:{}; logs: {}",
        dex.endpoint(),
        emulator.lambda_port(),
        config.out_dir.display()
    );

    // 3. The execution.
    let name = args.name.clone().unwrap_or_else(|| {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        format!("{}-{}", function.bin, now.as_secs())
    });
    let mut start = json!({
        "AccountId": "123456789012",
        "FunctionName": function.bin,
        "FunctionQualifier": "$LATEST",
        "ExecutionName": name,
        "ExecutionTimeoutSeconds": args.timeout,
        "ExecutionRetentionPeriodDays": 1,
    });
    if let Some(input) = input {
        start["Input"] = Value::String(input);
    }
    let arn = dex
        .start_execution(&start)
        .map_err(|e| Failure::new(exit::SETUP, e))?;
    println!("execution {arn}");

    let outcome = follow(&mut emulator, &arn, &replies, args, interrupted);
    if let Some(path) = &args.save_history {
        if let Ok(history) = dex.history(&arn) {
            let text = serde_json::to_string_pretty(&json!({ "Events": history })).unwrap_or_default();
            match std::fs::write(path, text + "\n") {
                Ok(()) => eprintln!("durable-emulator: history written to {}", path.display()),
                Err(e) => eprintln!("durable-emulator: cannot write {}: {e}", path.display()),
            }
        }
    }
    let watch_log = emulator.watch_log().to_path_buf();
    let code = match outcome {
        Ok(execution) => report(&execution, &watch_log),
        Err(f) => {
            if !interrupted.load(Ordering::SeqCst) {
                eprintln!(
                    "durable-emulator: the function's output (the last lines of {}):\n{}",
                    watch_log.display(),
                    tail(&watch_log, 20)
                );
            }
            Err(f)
        }
    };
    eprintln!("durable-emulator: stopping the emulator");
    drop(emulator);
    code
}

/// Prints the outcome; its exit status.
fn report(execution: &Value, watch_log: &Path) -> Result<u8, Failure> {
    let status = execution["Status"].as_str().unwrap_or("UNKNOWN");
    println!("{status}");
    if status == "SUCCEEDED" {
        if let Some(result) = execution["Result"].as_str() {
            println!("{result}");
        }
        return Ok(exit::SUCCEEDED);
    }
    if let Some(error) = execution.get("Error").filter(|e| !e.is_null()) {
        println!("{}", error_text(error));
    }
    if status == "FAILED" {
        // A crash or a checkpoint error shows up as a generic 500; the cause is in the
        // function's output (G12).
        eprintln!(
            "durable-emulator: the function's output (the last lines of {}):\n{}",
            watch_log.display(),
            tail(watch_log, 20)
        );
    }
    Ok(exit::FAILED)
}

/// A callback waiting for its invocation to end before it is answered (G7).
struct Pending {
    callback: Callback,
}

/// Follows the execution to its end: prints each new event, answers callbacks, streams the
/// function's output with `--logs`. Returns the final `GetDurableExecution`.
fn follow(
    emulator: &mut Emulator,
    arn: &str,
    replies: &[Reply],
    args: &RunArgs,
    interrupted: &AtomicBool,
) -> Result<Value, Failure> {
    let dex: Dex = emulator.dex();
    let lost = |e: String| Failure::new(exit::LOST, e);
    let mut timeline = Timeline::new();
    let mut used = vec![false; replies.len()];
    let mut pending: Vec<Pending> = Vec::new();
    let mut hinted: HashSet<String> = HashSet::new();
    let mut log_offset = 0u64;
    let deadline = Instant::now() + Duration::from_secs(args.timeout + 30);
    loop {
        if interrupted.load(Ordering::SeqCst) {
            return Err(Failure::new(exit::INTERRUPTED, "interrupted"));
        }
        if args.logs {
            log_offset = stream_log(emulator.watch_log(), log_offset);
        }
        emulator.healthy().map_err(lost)?;
        let history = dex.history(arn).map_err(lost)?;
        for e in timeline.new_events(&history) {
            println!("{}", timeline.line(e));
            if let Some(callback) = timeline.callback(e) {
                pending.push(Pending { callback });
            }
        }
        // G7: answer a callback once an invocation that ended after it started has ended.
        let last_completed = history
            .iter()
            .filter(|e| event_type(e) == "InvocationCompleted")
            .map(event_id)
            .max()
            .unwrap_or(0);
        let (ready, later): (Vec<_>, Vec<_>) = pending
            .drain(..)
            .partition(|p| p.callback.started_event < last_completed);
        pending = later;
        for p in ready {
            let c = &p.callback;
            let reply = (0..replies.len())
                .find(|&i| !used[i] && c.name.is_some() && c.selected_by(replies[i].selector()));
            let Some(i) = reply else {
                if hinted.insert(c.callback_id.clone()) {
                    hint(&dex, c);
                }
                continue;
            };
            used[i] = true;
            let (what, answered) = match &replies[i] {
                Reply::Succeed { result, .. } => (
                    format!("succeed {}", clip(result, 60)),
                    dex.succeed_callback(&c.callback_id, result.as_bytes()),
                ),
                Reply::Fail { error, .. } => (
                    format!("fail {}", clip(&error_text(error), 60)),
                    dex.fail_callback(&c.callback_id, error),
                ),
            };
            match answered.map_err(lost)? {
                Answered::Accepted => println!("        answered {}: {what}", c.describe()),
                Answered::Gone => println!("        {} no longer waits (not answered)", c.describe()),
            }
        }
        let execution = dex.execution(arn).map_err(lost)?;
        if execution["Status"].as_str().unwrap_or("RUNNING") != "RUNNING" {
            // The last events may have landed after the history was read.
            let history = dex.history(arn).map_err(lost)?;
            for e in timeline.new_events(&history) {
                println!("{}", timeline.line(e));
            }
            if args.logs {
                stream_log(emulator.watch_log(), log_offset);
            }
            return Ok(execution);
        }
        if Instant::now() > deadline {
            return Err(lost(format!(
                "the execution is still RUNNING {}s after it started",
                args.timeout + 30
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Tells how to answer a callback no `--answer`/`--fail` is for.
fn hint(dex: &Dex, c: &Callback) {
    let selector = match &c.name {
        Some(_) if c.path.contains('/') => c.path.clone(),
        Some(name) => name.clone(),
        None => "an unnamed callback".into(),
    };
    println!(
        "        waiting for {}: no --answer {selector}=JSON given; answer it from another terminal:",
        c.describe()
    );
    println!(
        "        curl -X POST '{}{}' --data-binary 'JSON'",
        dex.endpoint(),
        Dex::callback_path(&c.callback_id, "succeed")
    );
}

/// Copies what `log` gained since `offset` to stderr, each line prefixed with `| `; the new
/// offset.
fn stream_log(log: &Path, offset: u64) -> u64 {
    let Ok(mut file) = std::fs::File::open(log) else {
        return offset;
    };
    if file.seek(std::io::SeekFrom::Start(offset)).is_err() {
        return offset;
    }
    let mut fresh = Vec::new();
    if file.read_to_end(&mut fresh).is_err() {
        return offset;
    }
    // Only whole lines; the rest waits for the next call.
    let Some(end) = fresh.iter().rposition(|b| *b == b'\n') else {
        return offset;
    };
    let text = String::from_utf8_lossy(&fresh[..=end]);
    let mut err = std::io::stderr().lock();
    for line in text.lines() {
        let _ = writeln!(err, "  | {line}");
    }
    offset + end as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(argv: &[&str]) -> (RunArgs, (Vec<usize>, Vec<usize>)) {
        let matches = Cli::command().try_get_matches_from(argv).unwrap();
        let cli = Cli::from_arg_matches(&matches).unwrap();
        let m = matches.subcommand_matches("run").unwrap();
        let order = (indices(m, "answer"), indices(m, "fail"));
        match cli.command {
            Cmd::Run(args) => (*args, order),
            Cmd::Install(_) => unreachable!(),
        }
    }

    #[test]
    fn replies_keep_command_line_order() {
        let (args, order) = parse(&[
            "durable-emulator",
            "run",
            "--fail",
            "approval=Rejected: over budget",
            "--answer",
            "approval={\"ok\": true}",
            "--fail",
            "other=Timeout",
        ]);
        let replies = replies(&args, order).unwrap();
        assert_eq!(
            replies,
            vec![
                Reply::Fail {
                    selector: "approval".into(),
                    error: json!({"ErrorType": "Rejected", "ErrorMessage": "over budget"})
                },
                Reply::Succeed {
                    selector: "approval".into(),
                    result: "{\"ok\":true}".into()
                },
                Reply::Fail {
                    selector: "other".into(),
                    error: json!({"ErrorType": "Timeout"})
                },
            ]
        );
    }

    #[test]
    fn bad_replies_are_usage_errors() {
        let (args, order) = parse(&["durable-emulator", "run", "--answer", "approval=yes"]);
        let e = replies(&args, order).err().unwrap();
        assert_eq!(e.code, exit::USAGE);
        assert!(e.message.contains("not JSON"), "{}", e.message);
        let (args, order) = parse(&["durable-emulator", "run", "--answer", "{\"a\":1}"]);
        assert_eq!(replies(&args, order).err().unwrap().code, exit::USAGE);
    }

    #[test]
    fn build_options_reach_watch_too() {
        let (args, _) = parse(&[
            "durable-emulator",
            "run",
            "-F",
            "lambda",
            "--release",
            "--locked",
            "--input",
            "{\"id\": 1}",
        ]);
        assert_eq!(
            build_options(&args),
            vec!["--features", "lambda", "--release", "--locked"]
        );
        assert_eq!(input(&args).ok().flatten().as_deref(), Some("{\"id\":1}"));
    }
}
