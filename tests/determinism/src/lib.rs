//! A corpus of realistic workflow code, to measure how much nondeterminism each of our three
//! layers catches: the `#[durable_workflow]` lint (compile time), the clippy configuration for
//! workflow code, and the `TestRunner`'s replay checker (run time).
//!
//! `corpus/nondeterministic/nNNN_*.rs` are workflows that read something a replay cannot
//! reproduce (clock, entropy, map order, environment, I/O, global state, ...) outside a step;
//! `corpus/legitimate/lNNN_*.rs` are workflows that must pass every layer (the same calls done
//! right, and look-alikes). Each file is a whole program with a header:
//!
//! ```text
//! //! category: clock
//! //! replay: diverges            (nondeterministic only: `diverges` or `same`)
//! //! input: {"order_id": 7}      (JSON for the workflow's input; `null` for `()`)
//! //! callback: approval = true   (optional, repeatable: answered by name)
//! //! summary: one line
//! ```
//!
//! `build.rs` turns the included snippets into modules and the [`SNIPPETS`] table: every
//! snippet with the `all-snippets` feature (build it with `DURABLE_LINT=off`), otherwise the
//! legitimate ones and the nondeterministic ones `corpus/expected.tsv` lists with
//! `macro = no` (those the clippy layer flags are left out when clippy itself checks the
//! crate, so `cargo clippy -- -D warnings` stays clean). Each workflow runs behind one
//! [`Erased`] type, so the engine is compiled once for the corpus, not once per snippet; a
//! snippet whose workflow fn is private is compiled from a copy in `OUT_DIR` with an
//! accessor appended.
//!
//! ```sh
//! # layer 3 on every snippet: one line per snippet, then the rates
//! DURABLE_LINT=off CARGO_TARGET_DIR=target/determinism \
//!     cargo run -p durable-determinism --features all-snippets --bin replay_report
//! # check the `replay:` headers: 5 plain runs per snippet, replay checker off
//! DURABLE_LINT=off CARGO_TARGET_DIR=target/determinism \
//!     cargo run -p durable-determinism --features all-snippets --bin replay_report -- --double-run
//! # all three layers, and `corpus/expected.tsv`
//! tests/determinism/measure.sh
//! ```

use durable_runtime::local::{EngineError, ExecutionStatus};
use durable_runtime::testing::{TestResult, TestRunner};
use durable_runtime::{BoxFuture, DurableContext, DurableError, Workflow};
use serde_json::value::RawValue;
use std::time::Duration;

/// Which half of the corpus a snippet belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Reads something outside a step that a replay cannot reproduce.
    Nondeterministic,
    /// Deterministic workflow code (possibly nondeterministic-looking).
    Legitimate,
}

impl Kind {
    /// `nondeterministic` or `legitimate`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Nondeterministic => "nondeterministic",
            Kind::Legitimate => "legitimate",
        }
    }
}

/// One snippet of the corpus.
#[derive(Clone, Copy, Debug)]
pub struct Snippet {
    /// The file stem (`n001_clock_step_name`).
    pub id: &'static str,
    /// Nondeterministic or legitimate.
    pub kind: Kind,
    /// The header's `category:`.
    pub category: &'static str,
    /// The header's `replay:` is `diverges` (two runs in one process differ).
    pub replay_diverges: bool,
    /// The input, as JSON text.
    pub input: &'static str,
    /// Callback answers by name (JSON text).
    pub callbacks: &'static [(&'static str, &'static str)],
    /// Runs the workflow once under a fresh [`TestRunner`] (replay checker on) with the
    /// input and the callback answers.
    pub run: fn() -> BoxFuture<'static, Result<TestResult, EngineError>>,
    /// The workflow itself, type-erased (see [`Erased`]).
    pub workflow: fn() -> Erased,
}

/// How one run of a snippet ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The replay checker reported a divergence.
    Diverged(String),
    /// The execution succeeded.
    Succeeded,
    /// The execution ended otherwise (failed, timed out, ...): its status and error.
    Failed(String),
    /// The engine gave up for another reason (or the run panicked or hung).
    EngineError(String),
}

impl Verdict {
    /// The divergence message, if the replay checker reported one.
    pub fn divergence(&self) -> Option<&str> {
        match self {
            Verdict::Diverged(m) => Some(m),
            _ => None,
        }
    }
}

/// How long one run may take in real time before it is reported as hung.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .enable_io()
        .build()
        .expect("a current-thread tokio runtime")
}

/// Runs the snippet once (replay checker on) and returns the raw outcome (`Err` text for a
/// panic or a hang).
pub fn run_raw(s: &Snippet) -> Result<Result<TestResult, EngineError>, String> {
    block_on_run(s.run)
}

/// Runs the snippet once with the replay checker off: what a plain run does.
pub fn run_unchecked(s: &Snippet) -> Result<Result<TestResult, EngineError>, String> {
    let (workflow, input, callbacks) = (s.workflow, s.input, s.callbacks);
    block_on_run(move || Box::pin(run_snippet(workflow(), input, callbacks, false)))
}

fn block_on_run(
    run: impl FnOnce() -> BoxFuture<'static, Result<TestResult, EngineError>> + std::panic::UnwindSafe,
) -> Result<Result<TestResult, EngineError>, String> {
    let outcome = std::panic::catch_unwind(move || {
        runtime().block_on(async move { tokio::time::timeout(RUN_TIMEOUT, run()).await })
    });
    match outcome {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(_)) => Err(format!("the run did not finish within {RUN_TIMEOUT:?}")),
        Err(panic) => Err(format!("the run panicked: {}", panic_text(&*panic))),
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// Runs the snippet once on a current-thread runtime (time enabled) and classifies the outcome.
pub fn run_blocking(s: &Snippet) -> Verdict {
    match run_raw(s) {
        Err(text) => Verdict::EngineError(text),
        Ok(Err(e)) => match divergence(&e) {
            Some(message) => Verdict::Diverged(message),
            None => Verdict::EngineError(e.to_string()),
        },
        Ok(Ok(result)) => classify(&result),
    }
}

/// The replay checker's report, if `e` is a divergence.
pub fn divergence(e: &EngineError) -> Option<String> {
    match e {
        EngineError::ReplayDivergence(_) => Some(e.to_string()),
        _ => None,
    }
}

fn classify(result: &TestResult) -> Verdict {
    match result.status() {
        ExecutionStatus::Succeeded => Verdict::Succeeded,
        status => Verdict::Failed(format!(
            "{}: {}",
            status.as_str(),
            result.error().map_or_else(String::new, ToString::to_string)
        )),
    }
}

/// What a replay would compare of one run: every history event's type, operation id,
/// parent, name and sub-type, wait durations, invoke targets and inputs, callback timeouts,
/// and the execution's outcome (status, result or error message); JSON compared with object
/// keys sorted. Step results are left out: a step body may legitimately produce a new value
/// on every run.
pub fn fingerprint(result: &TestResult) -> Vec<String> {
    let mut lines = Vec::new();
    for event in result.history() {
        if event.event_type == "InvocationCompleted" || event.event_type.starts_with("Execution") {
            continue;
        }
        let details = serde_json::to_value(&**event).unwrap_or_default();
        let extra = match &*event.event_type {
            "WaitStarted" => details["WaitStartedDetails"]["Duration"].to_string(),
            "ChainedInvokeStarted" => format!(
                "{} {}",
                details["ChainedInvokeStartedDetails"]["FunctionName"],
                canonical_json(details["ChainedInvokeStartedDetails"]["Input"]["Payload"].as_str())
            ),
            "CallbackStarted" => format!(
                "{} {}",
                details["CallbackStartedDetails"]["Timeout"],
                details["CallbackStartedDetails"]["HeartbeatTimeout"]
            ),
            _ => String::new(),
        };
        lines.push(format!(
            "{} {} parent={} name={:?} sub={} {extra}",
            event.event_type,
            event.id.as_deref().unwrap_or("-"),
            event.parent_id.as_deref().unwrap_or("-"),
            event.name.as_deref().unwrap_or(""),
            event.sub_type.as_deref().unwrap_or("-"),
        ));
    }
    lines.push(format!(
        "outcome {} result={} error={}",
        result.status().as_str(),
        canonical_json(result.result_json()),
        result.error().map(|e| e.message().to_owned()).unwrap_or_default()
    ));
    lines
}

/// JSON text with object keys sorted (a JSON object's key order carries no meaning: a hash
/// map serializes in its own order), or the text itself if it is not JSON.
fn canonical_json(text: Option<&str>) -> String {
    let text = text.unwrap_or_default();
    serde_json::from_str::<serde_json::Value>(text).map_or_else(|_| text.to_owned(), |v| v.to_string())
}

/// The snippet named `id`.
pub fn snippet(id: &str) -> Option<&'static Snippet> {
    SNIPPETS.iter().find(|s| s.id == id)
}

/// One row of `corpus/expected.tsv` (written by the measuring script).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The snippet's id.
    pub snippet: String,
    /// `nondeterministic` or `legitimate`.
    pub kind: String,
    /// The category.
    pub category: String,
    /// `diverges` or `same` (empty for legitimate snippets).
    pub replay: String,
    /// Whether the macro's lint rejects it (`yes` / `no`).
    pub lint: String,
    /// Whether the clippy configuration rejects it.
    pub clippy: String,
    /// Whether the replay checker reports a divergence.
    pub replay_check: String,
}

/// The rows of `corpus/expected.tsv`, or none if it does not exist.
pub fn expected() -> Vec<Expected> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/expected.tsv");
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split('\t')
        .map(|h| h.trim().to_owned())
        .collect();
    let col = |cols: &[&str], name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .and_then(|i| cols.get(i))
            .map_or_else(String::new, |c| c.trim().to_owned())
    };
    lines
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            Expected {
                snippet: col(&cols, "snippet"),
                kind: col(&cols, "kind"),
                category: col(&cols, "category"),
                replay: col(&cols, "replay"),
                lint: col(&cols, "macro"),
                clippy: col(&cols, "clippy"),
                replay_check: col(&cols, "replay_check"),
            }
        })
        .collect()
}

type ErasedRun = Box<
    dyn Fn(DurableContext, serde_json::Value) -> BoxFuture<'static, Result<Box<RawValue>, DurableError>>
        + Send
        + Sync,
>;

/// A snippet's workflow behind one type: its input arrives as JSON and is deserialized into
/// the workflow's own input type, its output is serialized exactly as the workflow's own
/// type would be (kept as raw JSON text, so no key is reordered). The engine and the test
/// runner are then compiled once for the whole corpus instead of once per snippet.
pub struct Erased {
    name: String,
    run: ErasedRun,
}

/// Wraps `workflow` as an [`Erased`] one.
pub fn erase<W: Workflow>(workflow: W) -> Erased {
    let name = workflow.name().to_owned();
    Erased {
        name,
        run: Box::new(move |ctx, input| {
            let input = match serde_json::from_value::<W::Input>(input) {
                Ok(input) => input,
                Err(e) => {
                    let e = DurableError::Validation(format!("the input does not fit the workflow: {e}"));
                    return Box::pin(async move { Err(e) });
                }
            };
            let body = workflow.run(ctx, input);
            Box::pin(async move {
                let output = body.await?;
                serde_json::value::to_raw_value(&output).map_err(|e| DurableError::Serdes {
                    operation: "execution result".into(),
                    message: e.to_string(),
                })
            })
        }),
    }
}

impl Workflow for Erased {
    type Input = serde_json::Value;
    type Output = Box<RawValue>;

    fn name(&self) -> &str {
        &self.name
    }

    fn run(
        &self,
        ctx: DurableContext,
        input: serde_json::Value,
    ) -> BoxFuture<'static, Result<Box<RawValue>, DurableError>> {
        (self.run)(ctx, input)
    }
}

/// Runs `workflow` once under a fresh [`TestRunner`] with the callback answers and the input.
async fn run_snippet(
    workflow: Erased,
    input: &'static str,
    callbacks: &'static [(&'static str, &'static str)],
    replay_check: bool,
) -> Result<TestResult, EngineError> {
    let runner = TestRunner::new(workflow).replay_check(replay_check);
    for (name, json) in callbacks {
        let value = serde_json::from_str(json)
            .unwrap_or_else(|e| panic!("callback answer {name} = {json} is not JSON: {e}"));
        runner.answer_callback(name, value);
    }
    let input: serde_json::Value =
        serde_json::from_str(input).unwrap_or_else(|e| panic!("input {input} is not JSON: {e}"));
    runner.run(&input).await
}

include!(concat!(env!("OUT_DIR"), "/snippets.rs"));
