//! The `durable` command line: runs a worker and operates executions on the local engine's
//! SQLite database.
//!
//! A binary registers its workflows and hands over to [`main`]:
//!
//! ```no_run
//! use durable_runtime::prelude::*;
//!
//! fn main() -> std::process::ExitCode {
//!     durable_runtime::cli::main(|engine| {
//!         engine.register_workflow(workflow_fn("hello", |ctx: DurableContext, name: String| async move {
//!             ctx.wait("pause", Duration::from_secs(1)).await?;
//!             Ok(format!("hello, {name}"))
//!         }));
//!     })
//! }
//! ```
//!
//! # Commands
//!
//! | command | does |
//! |---|---|
//! | `worker [--concurrency N] [--replay-check]` | runs the registered workflows' executions until Ctrl-C (or SIGTERM); then starts no new invocation, waits for those in flight and exits 0. `--replay-check` (for staging) replays every invocation a second time and fails an execution whose replay asks for something else (error type `ReplayDivergence`, reported on stderr and by `show`): see [`EngineOptions::replay_check`] |
//! | `start WORKFLOW [--input JSON] [--wait]` | creates an execution and prints its ARN; `--wait` follows it to its end, printing each history event as it appears (on stderr) and the result (on stdout). If no worker runs on the database, `--wait` runs one in this process meanwhile |
//! | `list [--status S] [--workflow W]` | a table of executions, oldest first |
//! | `show ARN` | status, result or error, open callbacks (name, position, the command that answers each, its id), and the timeline of the history with relative times and durations |
//! | `history ARN [--json]` | the history events: a timeline, or (`--json`) one JSON array |
//! | `callback succeed ID [--result JSON]`, `callback fail ID --error-type T --message M`, `callback heartbeat ID` | answers a callback by its id |
//! | `callback succeed ARN --name NAME [--result JSON]` (also `fail`, `heartbeat`) | answers the open callback `NAME` of an execution: the name given to `create_callback` or `wait_for_callback`, or, when several open callbacks share it (map items, parallel branches), its path through the contexts it is in (`approvals/map-item-1/sign-off`). Exit 3 if no callback has that name (the message lists the open ones), 2 if several open ones do, 4 if it is already closed |
//! | `stop ARN` | stops a running execution |
//! | `replay --history FILE [--workflow NAME]` | replays this build of a registered workflow against a recorded history (`history --json`, a `GetDurableExecutionHistory` or `GetDurableExecutionState` response, a test run's history) and prints OK or the first divergence: the operation, where the code creates it, what history recorded and what the code does now; exit 6 if it diverges. With the `lambda` feature, `--from-aws ARN` fetches a live execution's history instead. See [`crate::replay`] |
//! | `workflows` | lists the workflows this binary registers |
//!
//! Every command takes `--db PATH`: the database, by default `$DURABLE_DB`, else `durable.db`
//! in the current directory. Only `worker` and `start` create it when missing. `ARN` is the
//! execution's full ARN, its last segment (the execution id), or a unique prefix of that id.
//! Several processes may use one database at once (one worker, any number of commands);
//! a second worker on the same database is refused while the first one runs.
//!
//! # Output and exit codes
//!
//! Results go to stdout, progress and errors to stderr; an error is one line
//! `durable: <what went wrong>`. The exit code tells a script what happened: see [`exit`].

use crate::local::presence;
mod callbacks;
mod render;

use crate::local::sqlite::{OpenError, SqliteOptions};
use crate::local::worker::{Worker, WorkerOptions};
use crate::local::{
    CallbackAnswer, CallbackApiError, EngineError, EngineOptions, ExecutionRecord, ExecutionStatus,
    LocalEngine, SqliteStore, StoreError, SystemClock,
};
use clap::{Args, Parser, Subcommand, ValueEnum};
use durable_core::wire::{ErrorObject, EventDetails};
use durable_core::{LogRecord, LogSink};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The exit codes of the `durable` CLI.
pub mod exit {
    /// The command did what was asked (for `start --wait`: the execution SUCCEEDED).
    pub const OK: u8 = 0;
    /// `start --wait`: the execution ended FAILED, TIMED_OUT or STOPPED.
    pub const EXECUTION_FAILED: u8 = 1;
    /// Bad usage or input: unknown option, malformed JSON, an ambiguous execution id.
    pub const USAGE: u8 = 2;
    /// Something named does not exist: execution, workflow, callback, database file.
    pub const NOT_FOUND: u8 = 3;
    /// The request conflicts with the current state: the callback is already closed, the
    /// execution already ended, another worker runs on the database.
    pub const CONFLICT: u8 = 4;
    /// The database cannot be used: not a SQLite database, corrupt or torn, of another
    /// application or a newer version, or a SQLite failure (I/O, locking).
    pub const STORE: u8 = 5;
    /// `replay`: the workflow's code diverges from the recorded history.
    pub const DIVERGED: u8 = 6;
    /// Interrupted by Ctrl-C while waiting (the execution itself goes on).
    pub const INTERRUPTED: u8 = 130;
}

/// Runs the CLI on the process's arguments, with the workflows `setup` registers on the
/// engine, and returns the exit code (see [`exit`]).
pub fn main(setup: impl FnOnce(&LocalEngine)) -> ExitCode {
    main_from(std::env::args_os(), setup)
}

/// Like [`main`], with explicit arguments (the first one is the program name).
pub fn main_from<I, T>(args: I, setup: impl FnOnce(&LocalEngine)) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    match run(cli, setup) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("durable: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Operate durable executions on a local SQLite database.
#[derive(Parser, Debug)]
#[command(name = "durable", version, long_about = None)]
#[command(about = "Run and operate durable executions on a local SQLite database")]
#[command(
    after_help = "Exit codes: 0 ok, 1 execution failed (start --wait), 2 bad usage or input, \
3 not found, 4 conflict (already closed/ended, worker running), 5 database error, \
6 replay diverges, 130 interrupted."
)]
struct Cli {
    /// The SQLite database [default: $DURABLE_DB, else durable.db]
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the registered workflows' executions until Ctrl-C.
    Worker {
        /// Most invocations running at once.
        #[arg(long, default_value_t = 64, value_name = "N")]
        concurrency: usize,
        /// Replay every invocation a second time and fail the execution (error type
        /// ReplayDivergence) if the replay asks for something else: catches workflow code
        /// that depends on clocks, randomness, globals or hash-map order (for staging).
        #[arg(long)]
        replay_check: bool,
    },
    /// Start an execution and print its ARN.
    Start {
        /// The registered workflow's name.
        workflow: String,
        /// The input, as JSON (e.g. '"Ada"' or '{"id": 7}').
        #[arg(long, value_name = "JSON")]
        input: Option<String>,
        /// Follow the execution until it ends (runs a worker meanwhile if none is running);
        /// exit 1 unless it SUCCEEDED.
        #[arg(long)]
        wait: bool,
    },
    /// List executions.
    List {
        /// Only executions with this status.
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// Only executions of this workflow.
        #[arg(long, value_name = "NAME")]
        workflow: Option<String>,
    },
    /// Show an execution: status, result or error, and its timeline.
    Show {
        /// The execution ARN, or its id (last segment), or a unique prefix of the id.
        arn: String,
    },
    /// Print an execution's history events.
    History {
        /// The execution ARN, or its id (last segment), or a unique prefix of the id.
        arn: String,
        /// As one JSON array of events (the `GetDurableExecutionHistory` shape).
        #[arg(long)]
        json: bool,
    },
    /// Answer a callback.
    #[command(subcommand)]
    Callback(CallbackCommand),
    /// Stop a running execution.
    Stop {
        /// The execution ARN, or its id (last segment), or a unique prefix of the id.
        arn: String,
    },
    /// Replay a registered workflow (this build) against a recorded history; exit 6 at the
    /// first divergence. Needs no database.
    Replay(ReplayArgs),
    /// List the workflows this binary registers.
    Workflows,
}

#[derive(Args, Debug)]
struct ReplayArgs {
    /// The recorded history, as JSON: `durable history ARN --json`, a
    /// GetDurableExecutionHistory or GetDurableExecutionState response, or a test run's
    /// history.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Fetch the history of this execution from AWS (GetDurableExecutionHistory with its
    /// execution data; the standard AWS configuration, e.g. AWS_REGION, AWS_ENDPOINT_URL).
    #[cfg(feature = "lambda")]
    #[arg(long, value_name = "ARN", conflicts_with = "history")]
    from_aws: Option<String>,
    /// The workflow to replay [default: the one the history names, else the only one
    /// registered].
    #[arg(long, value_name = "NAME")]
    workflow: Option<String>,
}

#[derive(Subcommand, Debug)]
enum CallbackCommand {
    /// Complete the callback successfully.
    Succeed {
        #[command(flatten)]
        target: CallbackTarget,
        /// The result, as JSON.
        #[arg(long, value_name = "JSON")]
        result: Option<String>,
    },
    /// Fail the callback.
    Fail(FailArgs),
    /// Tell the callback its answer is still being worked on (resets its heartbeat timeout).
    Heartbeat {
        #[command(flatten)]
        target: CallbackTarget,
    },
}

/// Which callback: its id, or an execution and the callback's name.
#[derive(Args, Debug)]
struct CallbackTarget {
    /// The callback id; with --name, the execution (ARN, id, or a unique prefix of the id).
    #[arg(value_name = "ID|EXECUTION")]
    target: String,
    /// The open callback of this name in the execution: the name given to
    /// `create_callback` or `wait_for_callback`, or its path through the contexts it is in
    /// (`approvals/map-item-1/sign-off`) when several share the name.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

#[derive(Args, Debug)]
struct FailArgs {
    #[command(flatten)]
    target: CallbackTarget,
    /// The error's type.
    #[arg(long, value_name = "TYPE")]
    error_type: String,
    /// The error's message.
    #[arg(long, value_name = "TEXT")]
    message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum StatusArg {
    Running,
    Succeeded,
    Failed,
    #[value(alias = "timed_out")]
    TimedOut,
    Stopped,
}

impl StatusArg {
    fn status(self) -> ExecutionStatus {
        match self {
            StatusArg::Running => ExecutionStatus::Running,
            StatusArg::Succeeded => ExecutionStatus::Succeeded,
            StatusArg::Failed => ExecutionStatus::Failed,
            StatusArg::TimedOut => ExecutionStatus::TimedOut,
            StatusArg::Stopped => ExecutionStatus::Stopped,
        }
    }
}

/// An error to report: exit code and one-line message.
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

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        let code = match e {
            StoreError::NotFound(_) => exit::NOT_FOUND,
            StoreError::AlreadyExists(_) => exit::CONFLICT,
            StoreError::Backend(_) => exit::STORE,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Self {
        let code = match &e {
            EngineError::Store(s) => return s.clone().into(),
            EngineError::InvalidInput(_) => exit::USAGE,
            EngineError::NotRunning(_) => exit::CONFLICT,
            EngineError::UnknownWorkflow(_) => exit::NOT_FOUND,
            EngineError::Callback(CallbackApiError::NotFound(_)) => exit::NOT_FOUND,
            EngineError::Callback(CallbackApiError::AlreadyClosed { .. }) => exit::CONFLICT,
            EngineError::Callback(CallbackApiError::PayloadTooLarge { .. }) => exit::USAGE,
            EngineError::TooManyInvocations { .. } | EngineError::ReplayDivergence(_) => {
                exit::EXECUTION_FAILED
            }
        };
        Failure::new(code, e.to_string())
    }
}

/// Writes a line to stdout, ignoring a closed pipe (`durable list | head`).
fn out(line: impl AsRef<str>) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", line.as_ref());
}

fn run(cli: Cli, setup: impl FnOnce(&LocalEngine)) -> Result<u8, Failure> {
    let db = cli
        .db
        .or_else(|| {
            std::env::var_os("DURABLE_DB")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from("durable.db"));
    match &cli.command {
        // These need no database: the workflows are registered on an engine in memory.
        Command::Replay(args) => {
            let engine = LocalEngine::in_memory();
            setup(&engine);
            return replay(&engine, args);
        }
        Command::Workflows => {
            let engine = LocalEngine::in_memory();
            setup(&engine);
            for name in engine.workflow_names() {
                out(name);
            }
            return Ok(exit::OK);
        }
        _ => {}
    }
    let creates = matches!(cli.command, Command::Worker { .. } | Command::Start { .. });
    let replay_check = matches!(
        cli.command,
        Command::Worker {
            replay_check: true,
            ..
        }
    );
    let engine = Arc::new(open_engine(&db, creates, replay_check)?);
    setup(&engine);
    match cli.command {
        Command::Worker { concurrency, .. } => worker(&engine, &db, concurrency),
        Command::Start {
            workflow,
            input,
            wait,
        } => start(&engine, &db, &workflow, input.as_deref(), wait),
        Command::List { status, workflow } => list(&engine, status, workflow.as_deref()),
        Command::Show { arn } => show(&engine, &db, &arn),
        Command::History { arn, json } => history(&engine, &arn, json),
        Command::Callback(c) => callback(&engine, c),
        Command::Stop { arn } => {
            let arn = resolve(&engine, &arn)?;
            engine.stop_execution(&arn, None)?;
            out(format!("stopped {arn}"));
            Ok(exit::OK)
        }
        Command::Replay(_) | Command::Workflows => unreachable!("handled before opening the database"),
    }
}

fn replay(engine: &LocalEngine, args: &ReplayArgs) -> Result<u8, Failure> {
    let history = load_history(args)?;
    let names = engine.workflow_names();
    let name = match (&args.workflow, &history.started_as) {
        (Some(name), _) => name.clone(),
        (None, Some(started)) if names.contains(started) => started.clone(),
        (None, _) if names.len() == 1 => names[0].clone(),
        (None, _) => {
            return Err(Failure::new(
                exit::USAGE,
                format!(
                    "say which workflow to replay with --workflow (registered: {})",
                    names.join(", ")
                ),
            ))
        }
    };
    let workflow = engine.workflow(&name).ok_or_else(|| {
        Failure::new(
            exit::NOT_FOUND,
            format!(
                "no workflow named `{name}` is registered (registered: {})",
                names.join(", ")
            ),
        )
    })?;
    let rt = runtime()?;
    let report = rt.block_on(crate::replay::replay_shared(workflow, &history));
    out(report.to_string());
    Ok(if report.is_ok() { exit::OK } else { exit::DIVERGED })
}

fn load_history(args: &ReplayArgs) -> Result<crate::replay::RecordedHistory, Failure> {
    #[cfg(feature = "lambda")]
    if let Some(arn) = &args.from_aws {
        let rt = runtime()?;
        let history = rt
            .block_on(async {
                crate::lambda::DurableClient::from_env()
                    .await
                    .recorded_history(arn)
                    .await
            })
            .map_err(|e| Failure::new(exit::NOT_FOUND, format!("cannot fetch the history of {arn}: {e}")))?;
        return Ok(history);
    }
    let Some(path) = &args.history else {
        return Err(Failure::new(exit::USAGE, "give --history FILE"));
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::new(exit::NOT_FOUND, format!("cannot read {}: {e}", path.display())))?;
    crate::replay::RecordedHistory::from_json(&text)
        .map_err(|e| Failure::new(exit::USAGE, format!("{}: {e}", path.display())))
}

fn open_engine(db: &Path, create: bool, replay_check: bool) -> Result<LocalEngine, Failure> {
    let options = SqliteOptions {
        create_if_missing: create,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(db, &options).map_err(|e| {
        let code = match e {
            OpenError::Missing { .. } => exit::NOT_FOUND,
            _ => exit::STORE,
        };
        let hint = if code == exit::NOT_FOUND {
            " (pass --db PATH or set DURABLE_DB; `durable start` creates it)"
        } else {
            ""
        };
        Failure::new(code, format!("{e}{hint}"))
    })?;
    let options = EngineOptions {
        log_sink: Some(Arc::new(StderrSink)),
        replay_check,
        ..EngineOptions::default()
    };
    Ok(LocalEngine::new(Arc::new(store), Arc::new(SystemClock), options))
}

/// Workflow logs as JSON lines on stderr: stdout is for results a script reads.
struct StderrSink;

impl LogSink for StderrSink {
    fn emit(&self, record: &LogRecord) {
        if let Ok(line) = serde_json::to_string(record) {
            eprintln!("{line}");
        }
    }

    fn emit_json(&self, record: &serde_json::Value) {
        eprintln!("{record}");
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(exit::STORE, format!("cannot start the async runtime: {e}")))
}

/// Resolves what the user typed to an execution ARN.
fn resolve(engine: &LocalEngine, given: &str) -> Result<String, Failure> {
    let store = engine.store();
    match store.get(given) {
        Ok(_) => return Ok(given.to_owned()),
        Err(StoreError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    if given.is_empty() || given.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Failure::new(
            exit::USAGE,
            format!("`{given}` is not an execution ARN or id"),
        ));
    }
    let matches: Vec<String> = store
        .list()?
        .into_iter()
        .filter(|arn| {
            let id = arn.rsplit('/').next().unwrap_or(arn);
            id.starts_with(given)
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Failure::new(
            exit::NOT_FOUND,
            format!("no execution `{given}` in this database"),
        )),
        many => Err(Failure::new(
            exit::USAGE,
            format!(
                "`{given}` is ambiguous: {} executions match; give more of the id",
                many.len()
            ),
        )),
    }
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handling: never resolve.
        std::future::pending::<()>().await;
    }
}

fn claim(db: &Path) -> Result<presence::Claim, Failure> {
    presence::Claim::take(db).map_err(|e| match e {
        presence::ClaimError::Taken(pid) => Failure::new(
            exit::CONFLICT,
            format!("another worker (pid {pid}) is running on {}", db.display()),
        ),
        presence::ClaimError::Io(message) => Failure::new(exit::STORE, message),
    })
}

/// Keeps a worker claim fresh while the worker runs.
fn keep_fresh(claim: Arc<presence::Claim>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(presence::REFRESH_EVERY).await;
            claim.refresh();
        }
    })
}

fn worker_options(concurrency: usize) -> WorkerOptions {
    WorkerOptions {
        max_concurrency: concurrency.max(1),
        poll_interval: Duration::from_millis(100),
        ..WorkerOptions::default()
    }
}

fn worker(engine: &Arc<LocalEngine>, db: &Path, concurrency: usize) -> Result<u8, Failure> {
    let claim = Arc::new(claim(db)?);
    let rt = runtime()?;
    rt.block_on(async {
        let fresh = keep_fresh(claim.clone());
        let worker = Worker::new(engine.clone(), worker_options(concurrency));
        eprintln!("durable worker: running on {} (Ctrl-C to stop)", db.display());
        let shutdown = async {
            interrupted().await;
            eprintln!("durable worker: shutting down: starting nothing new, finishing the invocations in flight (Ctrl-C again to quit now)");
            tokio::spawn(async {
                interrupted().await;
                std::process::exit(i32::from(exit::INTERRUPTED));
            });
        };
        let result = worker.run_until(shutdown).await;
        fresh.abort();
        result?;
        eprintln!("durable worker: stopped");
        Ok(exit::OK)
    })
}

fn start(
    engine: &Arc<LocalEngine>,
    db: &Path,
    workflow: &str,
    input: Option<&str>,
    wait: bool,
) -> Result<u8, Failure> {
    if engine.workflow(workflow).is_none() {
        return Err(Failure::new(
            exit::NOT_FOUND,
            format!("no workflow named `{workflow}` is registered in this program"),
        ));
    }
    let arn = engine.start_execution(workflow, input)?;
    out(&arn);
    if !wait {
        return Ok(exit::OK);
    }
    let rt = runtime()?;
    let outcome = rt.block_on(async {
        let mut outcome = None;
        let follow = async {
            outcome = Some(follow(engine, db, &arn).await);
        };
        if presence::live_worker(db).is_some() {
            follow.await;
        } else {
            match claim(db) {
                Ok(claim) => {
                    eprintln!(
                        "(no worker is running on {}: running one until the execution ends)",
                        db.display()
                    );
                    let claim = Arc::new(claim);
                    let fresh = keep_fresh(claim.clone());
                    let worker = Worker::new(engine.clone(), worker_options(64));
                    let ran = worker.run_until(follow).await;
                    fresh.abort();
                    ran?;
                }
                // A worker started meanwhile.
                Err(_) => follow.await,
            }
        }
        outcome.unwrap_or_else(|| Err(Failure::new(exit::INTERRUPTED, "interrupted")))
    })?;
    let Some(record) = outcome else {
        eprintln!("interrupted: the execution goes on; see it with `durable show {arn}`");
        return Ok(exit::INTERRUPTED);
    };
    eprintln!("{}", record.status.as_str());
    match record.status {
        ExecutionStatus::Succeeded => {
            out(record.result.as_deref().unwrap_or("null"));
            Ok(exit::OK)
        }
        _ => {
            if let Some(e) = &record.error {
                eprintln!("error: {}", render::error(e));
            }
            Ok(exit::EXECUTION_FAILED)
        }
    }
}

/// Prints the execution's events as they appear until it ends (`None` if interrupted).
async fn follow(engine: &LocalEngine, db: &Path, arn: &str) -> Result<Option<ExecutionRecord>, Failure> {
    let store = engine.store().clone();
    let mut seen = 0;
    let mut timeline: Option<render::Timeline> = None;
    let interrupt = interrupted();
    tokio::pin!(interrupt);
    loop {
        let record = store.get(arn)?;
        let timeline = timeline.get_or_insert_with(|| render::Timeline::new(&record));
        // Operations appear over time: nesting is recomputed from the latest record.
        let mut fresh = render::Timeline::new(&record);
        for event in record.events.iter().take(seen) {
            fresh.line(event);
        }
        *timeline = fresh;
        for event in record.events.iter().skip(seen) {
            eprintln!("{}", timeline.line(event));
            if let EventDetails::CallbackStarted(d) = &event.details {
                let open = callbacks::open_callbacks(&record);
                if let Some(callback) = open
                    .iter()
                    .find(|c| c.callback_id.as_deref() == Some(d.callback_id.as_str()))
                {
                    eprintln!(
                        "        answer it: {}",
                        answer_command(engine, db, arn, &open, callback)
                    );
                }
            }
        }
        seen = record.events.len();
        if record.status.is_terminal() {
            return Ok(Some(record));
        }
        tokio::select! {
            () = &mut interrupt => return Ok(None),
            () = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
    }
}

/// The shortest prefix (at least 8 characters) of the execution id of `arn` that no other
/// execution in the database shares: what the answer hints print.
fn short_execution_id(engine: &LocalEngine, arn: &str) -> String {
    const SHORTEST: usize = 8;
    let id = execution_id(arn);
    let Ok(all) = engine.store().list() else {
        return id.to_owned();
    };
    let others: Vec<&str> = all
        .iter()
        .filter(|other| other.as_str() != arn)
        .map(|other| execution_id(other))
        .collect();
    id.char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .skip(SHORTEST - 1)
        .map(|end| &id[..end])
        .find(|prefix| !others.iter().any(|o| o.starts_with(prefix)))
        .unwrap_or(id)
        .to_owned()
}

/// `text` as one shell word: as is if it needs no quoting, else in single quotes.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// What `--name` answers `callback` with among the execution's `open` callbacks: its name if
/// no other open callback has it, else its path if that is unique; `None` if neither is.
fn selector(open: &[callbacks::NamedCallback], callback: &callbacks::NamedCallback) -> Option<String> {
    let unique = |s: &str| open.iter().filter(|o| o.selected_by(s)).count() == 1;
    let name = callback.name.as_deref()?;
    if unique(name) {
        Some(name.to_owned())
    } else if callback.path.contains('/') && unique(&callback.path) {
        Some(callback.path.clone())
    } else {
        None
    }
}

/// The command that answers `callback` of execution `arn` (one of the execution's `open`
/// callbacks): by execution and name when the name tells it apart, else by callback id.
fn answer_command(
    engine: &LocalEngine,
    db: &Path,
    arn: &str,
    open: &[callbacks::NamedCallback],
    callback: &callbacks::NamedCallback,
) -> String {
    let db_arg = if db == Path::new("durable.db")
        || std::env::var_os("DURABLE_DB").is_some_and(|v| Path::new(&v) == db)
    {
        String::new()
    } else {
        format!("--db {} ", shell_word(&db.display().to_string()))
    };
    let target = match selector(open, callback) {
        Some(name) => format!("{} --name {}", short_execution_id(engine, arn), shell_word(&name)),
        None => callback.callback_id.clone().unwrap_or_default(),
    };
    format!("durable {db_arg}callback succeed {target} --result 'JSON'")
}

fn list(engine: &LocalEngine, status: Option<StatusArg>, workflow: Option<&str>) -> Result<u8, Failure> {
    let store = engine.store();
    let mut rows = Vec::new();
    for arn in store.list()? {
        let record = match store.get(&arn) {
            Ok(r) => r,
            Err(StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        if status.is_some_and(|s| s.status() != record.status)
            || workflow.is_some_and(|w| w != record.workflow)
        {
            continue;
        }
        let took = record.end.map_or_else(
            || "-".to_owned(),
            |end| render::duration(end.as_millis() - record.start.as_millis()),
        );
        rows.push(vec![
            record.status.as_str().to_owned(),
            record.workflow.clone(),
            render::utc(record.start.as_millis()),
            took,
            arn,
        ]);
    }
    for line in render::table(&["STATUS", "WORKFLOW", "STARTED", "DURATION", "ARN"], &rows) {
        out(line);
    }
    Ok(exit::OK)
}

fn show(engine: &LocalEngine, db: &Path, given: &str) -> Result<u8, Failure> {
    let arn = resolve(engine, given)?;
    let record = engine.store().get(&arn)?;
    out(format!("execution    {}", record.arn));
    out(format!("workflow     {}", record.workflow));
    out(format!("status       {}", record.status.as_str()));
    out(format!("started      {}", render::utc(record.start.as_millis())));
    if let Some(end) = record.end {
        out(format!(
            "ended        {} (took {})",
            render::utc(end.as_millis()),
            render::duration(end.as_millis() - record.start.as_millis())
        ));
    }
    let failed = record
        .events
        .iter()
        .filter(|e| matches!(&e.details, EventDetails::InvocationCompleted(d) if d.error.is_some()))
        .count();
    out(format!("invocations  {} ({failed} failed)", record.invocations));
    out(format!(
        "input        {}",
        render::clip(record.input.as_deref().unwrap_or("null"), 200)
    ));
    if let Some(result) = &record.result {
        out(format!("result       {result}"));
    }
    if let Some(e) = &record.error {
        out(format!("error        {}", render::error(e)));
    }
    if !record.status.is_terminal() {
        let open = callbacks::open_callbacks(&record);
        if !open.is_empty() {
            out("open callbacks:");
            for callback in &open {
                let label = if callback.path.contains('/') || callback.name.is_none() {
                    callback.path.as_str()
                } else {
                    callback.name.as_deref().unwrap_or("-")
                };
                out(format!("  {label}  (position {})", callback.position));
                out(format!(
                    "    answer  {}",
                    answer_command(engine, db, &arn, &open, callback)
                ));
                out(format!(
                    "    id      {}",
                    callback.callback_id.as_deref().unwrap_or("-")
                ));
            }
        }
    }
    out("timeline:");
    let mut timeline = render::Timeline::new(&record);
    for event in &record.events {
        out(format!("  {}", timeline.line(event)));
    }
    Ok(exit::OK)
}

fn history(engine: &LocalEngine, given: &str, json: bool) -> Result<u8, Failure> {
    let arn = resolve(engine, given)?;
    let record = engine.store().get(&arn)?;
    if json {
        let text = serde_json::to_string_pretty(&record.events)
            .map_err(|e| Failure::new(exit::STORE, format!("cannot encode the history: {e}")))?;
        out(text);
    } else {
        let mut timeline = render::Timeline::new(&record);
        for event in &record.events {
            out(timeline.line(event));
        }
    }
    Ok(exit::OK)
}

fn callback(engine: &LocalEngine, command: CallbackCommand) -> Result<u8, Failure> {
    let (target, answer, done) = match command {
        CallbackCommand::Succeed { target, result } => {
            if let Some(text) = &result {
                serde_json::from_str::<serde_json::Value>(text)
                    .map_err(|e| Failure::new(exit::USAGE, format!("--result is not valid JSON: {e}")))?;
            }
            (target, CallbackAnswer::Succeed(result), "succeeded")
        }
        CallbackCommand::Fail(FailArgs {
            target,
            error_type,
            message,
        }) => (
            target,
            CallbackAnswer::Fail(ErrorObject::new(error_type, message)),
            "failed",
        ),
        CallbackCommand::Heartbeat { target } => (target, CallbackAnswer::Heartbeat, "heartbeat sent"),
    };
    let CallbackTarget { target, name } = target;
    let Some(name) = name else {
        if target.is_empty() || target.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Failure::new(
                exit::USAGE,
                format!("`{target}` is not a callback id"),
            ));
        }
        engine.answer_callback(&target, answer)?;
        out(format!("callback {done}"));
        return Ok(exit::OK);
    };
    let (arn, callback) = callback_by_name(engine, &target, &name)?;
    let id = callback.callback_id.clone().unwrap_or_default();
    match engine.answer_callback(&id, answer) {
        Ok(()) => {}
        // Answered or ended between the lookup and the answer.
        Err(EngineError::Callback(CallbackApiError::AlreadyClosed { status, .. })) => {
            return Err(Failure::new(
                exit::CONFLICT,
                format!(
                    "callback {} of execution {} is already {status}",
                    callback.describe(),
                    execution_id(&arn)
                ),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    out(format!("callback `{name}` {done}"));
    Ok(exit::OK)
}

/// The last segment of an execution ARN: the execution id.
fn execution_id(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The open callback `name` of the execution `given` (see [`callbacks`] for the names), with
/// the execution's ARN.
fn callback_by_name(
    engine: &LocalEngine,
    given: &str,
    name: &str,
) -> Result<(String, callbacks::NamedCallback), Failure> {
    let arn = resolve(engine, given)?;
    let record = engine.store().get(&arn)?;
    let id = execution_id(&arn);
    if record.status.is_terminal() {
        return Err(Failure::new(
            exit::CONFLICT,
            format!(
                "execution {id} already ended ({}): its callbacks can no longer be answered",
                record.status.as_str()
            ),
        ));
    }
    let all = callbacks::callbacks(&record);
    let (mut open, closed): (Vec<_>, Vec<_>) = all
        .iter()
        .filter(|c| c.selected_by(name))
        .cloned()
        .partition(callbacks::NamedCallback::is_open);
    match open.len() {
        1 => Ok((arn, open.remove(0))),
        0 => {
            if let Some(last) = closed.last() {
                return Err(Failure::new(
                    exit::CONFLICT,
                    format!(
                        "callback {} of execution {id} is already {}",
                        last.describe(),
                        last.status.as_str()
                    ),
                ));
            }
            let waiting: Vec<String> = all
                .iter()
                .filter(|c| c.is_open())
                .map(callbacks::NamedCallback::describe)
                .collect();
            let waiting = if waiting.is_empty() {
                "it has no open callback".to_owned()
            } else {
                format!("its open callbacks: {}", waiting.join(", "))
            };
            Err(Failure::new(
                exit::NOT_FOUND,
                format!("execution {id} has no callback named `{name}`; {waiting}"),
            ))
        }
        n => {
            let each: Vec<String> = open.iter().map(callbacks::NamedCallback::describe).collect();
            let all_open: Vec<_> = all.iter().filter(|c| c.is_open()).cloned().collect();
            let how = match open.iter().find_map(|c| selector(&all_open, c)) {
                Some(path) => format!("give its path (--name {}) or its callback id", shell_word(&path)),
                None => "answer it by its callback id".to_owned(),
            };
            Err(Failure::new(
                exit::USAGE,
                format!(
                    "`{name}` is ambiguous: {n} open callbacks of execution {id} have that name: {}; \
                     {how} (`durable callback succeed CALLBACK_ID`; `durable show {id}` prints the ids)",
                    each.join(", "),
                ),
            ))
        }
    }
}
