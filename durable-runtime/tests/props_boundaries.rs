//! Property tests of what durable-runtime reads from outside (issue #15, "fuzzed boundaries"):
//!
//! - recorded histories (`replay::RecordedHistory::from_json`, what `durable replay --history`
//!   reads): arbitrary text, and a real history with mutations, parse or give a
//!   `HistoryError`; what parses replays against the workflow without a panic of ours;
//! - callback ids and answers through the local engine's public API: any id that is not one
//!   the engine minted is `CallbackApiError::NotFound`; a minted id is answered whatever the
//!   workflow is called; any payload for a typed callback ends as an error the workflow can
//!   catch, never a crashed execution;
//! - the CLI (`cli::main_from`): `start --input`, `callback succeed --result`, `callback fail`
//!   and `replay --history` with arbitrary values exit with a usage / not-found code, or 0 for
//!   what is valid; never a panic.
//!
//! Case counts are small by default so `cargo test` stays quick; `PROPTEST_CASES=100000 cargo
//! test -p durable-runtime --test props_boundaries` runs them longer.

use durable_runtime::local::{
    CallbackAnswer, CallbackApiError, EngineError, EngineOptions, ExecutionStatus, LocalEngine,
};
use durable_runtime::prelude::*;
use durable_runtime::replay::{replay_history, HistoryDivergenceKind, RecordedHistory};
use durable_runtime::wire::ErrorObject;
use durable_runtime::{LogRecord, LogSink};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::{Arc, OnceLock};

/// `default_cases` unless `PROPTEST_CASES` says otherwise; no failure files are written (a
/// failure prints its minimal input: keep it as a regression `#[test]`).
fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// Logs go nowhere (the default sink writes to stdout).
struct Quiet;

impl LogSink for Quiet {
    fn emit(&self, _: &LogRecord) {}
    fn emit_json(&self, _: &Value) {}
}

fn quiet_engine() -> LocalEngine {
    LocalEngine::new(
        Arc::new(durable_runtime::local::MemoryStore::new()),
        Arc::new(durable_runtime::local::VirtualClock::new()),
        EngineOptions {
            log_sink: Some(Arc::new(Quiet)),
            ..EngineOptions::default()
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const KEYS: &[&str] = &[
    "Events",
    "Operations",
    "EventType",
    "EventId",
    "EventTimestamp",
    "Id",
    "ParentId",
    "Name",
    "SubType",
    "Type",
    "Status",
    "StepSucceededDetails",
    "StepFailedDetails",
    "ExecutionStartedDetails",
    "ExecutionSucceededDetails",
    "CallbackStartedDetails",
    "Result",
    "Payload",
    "Truncated",
    "Input",
    "Error",
    "RetryDetails",
    "CurrentAttempt",
    "NextAttemptDelaySeconds",
    "CallbackId",
    "StepDetails",
    "Attempt",
    "ContextDetails",
];

const WORDS: &[&str] = &[
    "",
    "ExecutionStarted",
    "ExecutionSucceeded",
    "StepStarted",
    "StepSucceeded",
    "StepFailed",
    "WaitStarted",
    "ContextStarted",
    "CallbackStarted",
    "InvocationCompleted",
    "STEP",
    "EXECUTION",
    "CONTEXT",
    "SUCCEEDED",
    "STARTED",
    "Step",
    "Map",
    "null",
    "{}",
    "\"x\"",
    "1795764155.343",
    "2026-11-27T09:04:48Z",
    "c4ca4238a0b92382",
    "\u{0}",
    "\u{1f}",
    "é",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(WORDS).prop_map(str::to_owned),
        3 => any::<String>(),
        1 => (1usize..20_000, any::<char>()).prop_map(|(n, c)| c.to_string().repeat(n)),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Value::Number)),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        let key = prop_oneof![3 => prop::sample::select(KEYS).prop_map(str::to_owned), 1 => any::<String>()];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Text a person or a script might pass as JSON: JSON of any shape, JSON with a flaw, or
/// anything at all.
fn json_ish() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => json_value().prop_map(|v| v.to_string()),
        1 => json_value().prop_map(|v| {
            let s = v.to_string();
            s.chars().take(s.chars().count() / 2).collect()
        }),
        1 => Just("[".repeat(5000)),
        1 => Just(format!("{}1{}", "[".repeat(200), "]".repeat(200))),
        1 => Just("1e999".to_owned()),
        1 => Just("\"\\ud800\"".to_owned()),
        2 => text(),
    ]
}

/// Replaces, removes or adds a node somewhere in `doc` (each index of `path` modulo the
/// number of children on the way down).
fn mutate(doc: &mut Value, path: &[usize], replacement: Option<Value>) {
    let mut node = doc;
    for (depth, &i) in path.iter().enumerate() {
        let n = match &*node {
            Value::Object(m) => m.len(),
            Value::Array(a) => a.len(),
            _ => 0,
        };
        if n == 0 {
            break;
        }
        if depth + 1 == path.len() && replacement.is_none() {
            match node {
                Value::Object(m) => {
                    let key = m.keys().nth(i % n).cloned().unwrap_or_default();
                    m.remove(&key);
                }
                Value::Array(a) => {
                    a.remove(i % n);
                }
                _ => {}
            }
            return;
        }
        node = match node {
            Value::Object(m) => m.values_mut().nth(i % n).expect("index below len"),
            Value::Array(a) => &mut a[i % n],
            _ => unreachable!("n > 0 only for objects and arrays"),
        };
    }
    *node = replacement.unwrap_or(Value::Null);
}

fn mutation() -> impl Strategy<Value = (Vec<usize>, Option<Value>)> {
    (
        prop::collection::vec(any::<usize>(), 1..7),
        prop::option::weighted(0.7, json_value()),
    )
}

// ---------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------

/// A workflow with one operation of each kind the local engine completes by itself.
fn tour() -> impl Workflow<Input = Value, Output = Value> {
    workflow_fn("tour", |ctx: DurableContext, input: Value| async move {
        let a: u32 = ctx.step("a", |_| async { Ok::<_, DurableError>(1u32) }).await?;
        ctx.wait("w", Duration::from_secs(5)).await?;
        let child: u64 = ctx
            .run_in_child_context("child", |c: DurableContext| async move {
                c.step("inner", |_| async { Ok::<_, DurableError>(7u64) }).await
            })
            .await?;
        let mapped = ctx
            .map("m", vec![1u32, 2], |item: DurableContext, n: u32, _| async move {
                item.step("double", move |_| async move { Ok::<_, DurableError>(n * 2) })
                    .await
            })
            .await?
            .into_results();
        let echoed: Value = ctx.invoke("inv", "echo", json!({"x": 1})).await?;
        let cb = ctx
            .create_callback::<String>("cb")
            .timeout(Duration::from_secs(60))
            .await?;
        let answered = cb
            .result()
            .await
            .map_err(|e| e.error_object().type_name().to_owned());
        Ok(
            json!({"a": a, "child": child, "mapped": mapped, "echoed": echoed, "cb": format!("{answered:?}"), "in": input}),
        )
    })
}

/// The recorded history of one run of [`tour`], as `durable history --json` prints it.
fn recorded_tour() -> &'static Value {
    static HISTORY: OnceLock<Value> = OnceLock::new();
    HISTORY.get_or_init(|| {
        let engine = quiet_engine();
        engine.register_function("echo", Ok);
        let record = runtime()
            .block_on(engine.run(&Arc::new(tour()), Some("{\"order\": 7}")))
            .unwrap();
        assert_eq!(record.status, ExecutionStatus::Succeeded, "{:?}", record.error);
        serde_json::to_value(&record.events).unwrap()
    })
}

/// What an outside system answers.
#[derive(Debug, Serialize, Deserialize)]
struct Decision {
    approved: bool,
    by: String,
}

/// Waits for a typed callback and reports whatever it gets, errors included.
fn approval(name: impl Into<String>) -> impl Workflow<Input = Value, Output = String> {
    workflow_fn(name, |ctx: DurableContext, _: Value| async move {
        let callback = ctx.create_callback::<Decision>("decision").await?;
        match callback.result().await {
            Ok(d) => Ok(format!("decided {d:?}")),
            Err(e) => Ok(format!("error {}", e.error_object().type_name())),
        }
    })
}

/// The id of the callback an execution waits on.
fn open_callback(engine: &LocalEngine, arn: &str) -> String {
    let record = engine.store().get(arn).unwrap();
    record
        .operations
        .iter()
        .find_map(|o| o.callback_details.as_ref()?.callback_id.clone())
        .expect("the execution opened a callback")
}

// ---------------------------------------------------------------------------------------------
// Properties: histories and callbacks
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary text and arbitrary JSON are a history or a `HistoryError` with a message.
    #[test]
    fn arbitrary_histories_parse_or_error(bytes in prop::collection::vec(any::<u8>(), 0..256), v in json_value()) {
        for text in [String::from_utf8_lossy(&bytes).into_owned(), v.to_string(), json!({"Events": v}).to_string(), json!({"Operations": v}).to_string()] {
            if let Err(e) = RecordedHistory::from_json(&text) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    /// Any id that the engine did not mint is `NotFound`, for every kind of answer; the
    /// execution's callback stays open.
    #[test]
    fn foreign_callback_ids_are_not_found(
        id in prop_oneof![text(), "[A-Za-z0-9_-]{0,200}"],
        result in prop::option::of(json_ish()),
        error_type in text(),
    ) {
        let (engine, arn, real) = waiting_engine();
        prop_assume!(id != real);
        for answer in [
            CallbackAnswer::Succeed(result.clone()),
            CallbackAnswer::Fail(ErrorObject::new(error_type.clone(), "no")),
            CallbackAnswer::Heartbeat,
        ] {
            let outcome = engine.answer_callback(&id, answer);
            prop_assert!(
                matches!(outcome, Err(EngineError::Callback(CallbackApiError::NotFound(_)))),
                "{outcome:?}"
            );
        }
        prop_assert_eq!(engine.store().get(&arn).unwrap().status, ExecutionStatus::Running);
    }
}

/// One engine per test thread holding an execution of [`approval`] waiting on its callback
/// (answered with foreign ids only, so it stays open).
fn waiting_engine() -> (Arc<LocalEngine>, String, String) {
    thread_local! {
        static WAITING: OnceLock<(Arc<LocalEngine>, String, String)> = const { OnceLock::new() };
    }
    WAITING.with(|w| {
        w.get_or_init(|| {
            let engine = Arc::new(quiet_engine());
            let wf = Arc::new(approval("approval"));
            let arn = engine.start_execution("approval", None).unwrap();
            let record = runtime().block_on(engine.run_to_completion(&wf, &arn)).unwrap();
            assert_eq!(record.status, ExecutionStatus::Running);
            let id = open_callback(&engine, &arn);
            (engine, arn, id)
        })
        .clone()
    })
}

proptest! {
    #![proptest_config(config(64))]

    /// A recorded history with mutations: a `HistoryError`, or a history the workflow replays
    /// against, reporting OK or a divergence; never a panic of the SDK's (the workflow itself
    /// never panics, so a `Panicked` divergence is one).
    #[test]
    fn mutated_histories_parse_and_replay(
        shape in 0..3u8,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut events = recorded_tour().clone();
        for (path, replacement) in &mutations {
            mutate(&mut events, path, replacement.clone());
        }
        let doc = match shape {
            0 => events,
            1 => json!({"Events": events}),
            _ => {
                // The state shape: the operations the events fold into.
                let parsed: Result<Vec<durable_runtime::wire::Event>, _> = serde_json::from_value(events.clone());
                match parsed {
                    Ok(list) => json!({"Operations": RecordedHistory::from_events(&list).operations}),
                    Err(_) => json!({"Operations": events}),
                }
            }
        };
        match RecordedHistory::from_json(&doc.to_string()) {
            Err(e) => prop_assert!(!e.to_string().is_empty()),
            Ok(history) => {
                let report = runtime().block_on(replay_history(tour(), &history));
                let kind = report.divergence.as_ref().map(|d| d.kind);
                prop_assert!(kind != Some(HistoryDivergenceKind::Panicked), "{report}");
                prop_assert!(!report.to_string().is_empty());
            }
        }
    }

    /// A typed callback answered with any payload or any error: the workflow gets a value or
    /// an error it catches, and the execution succeeds; answered again, it is closed.
    #[test]
    fn any_callback_answer_is_caught_by_the_workflow(
        name in prop_oneof![Just("approval".to_owned()), "\\PC{1,30}", any::<String>().prop_filter("named", |s| !s.is_empty())],
        answer in prop_oneof![
            3 => prop::option::of(json_ish()).prop_map(CallbackAnswer::Succeed),
            1 => Just(CallbackAnswer::Succeed(Some("{\"approved\": true, \"by\": \"ada\"}".to_owned()))),
            1 => (text(), text()).prop_map(|(t, m)| CallbackAnswer::Fail(ErrorObject::new(t, m))),
        ],
    ) {
        let engine = quiet_engine();
        let wf = Arc::new(approval(name.clone()));
        let arn = engine.start_execution(&name, None).unwrap();
        let record = runtime().block_on(engine.run_to_completion(&wf, &arn)).unwrap();
        prop_assert_eq!(record.status, ExecutionStatus::Running, "{:?}", record.error);
        let id = open_callback(&engine, &arn);
        engine.answer_callback(&id, answer.clone()).unwrap();
        let record = runtime().block_on(engine.run_to_completion(&wf, &arn)).unwrap();
        prop_assert_eq!(record.status, ExecutionStatus::Succeeded, "{:?}", record.error);
        let result = record.result.unwrap_or_default();
        prop_assert!(result.contains("decided") || result.contains("error"), "{}", result);
        let again = engine.answer_callback(&id, answer);
        prop_assert!(matches!(again, Err(EngineError::Callback(CallbackApiError::AlreadyClosed { .. }))), "{again:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Properties: the CLI
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use durable_runtime::cli::{exit, main_from};
    use durable_runtime::local::sqlite::{SqliteOptions, Synchronous};
    use durable_runtime::local::{SqliteStore, SystemClock};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    /// A directory removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let dir =
                std::env::temp_dir().join(format!("durable-props-{tag}-{}-{nanos:x}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Runs the CLI with `approval` and `tour` registered.
    fn durable(db: &Path, args: &[&str]) -> ExitCode {
        let mut argv: Vec<std::ffi::OsString> = vec!["durable".into(), "--db".into(), db.into()];
        argv.extend(args.iter().map(Into::into));
        main_from(argv, |engine| {
            engine.register_workflow(approval("approval"));
            engine.register_workflow(tour());
        })
    }

    fn code(n: u8) -> ExitCode {
        ExitCode::from(n)
    }

    fn one_of(got: ExitCode, allowed: &[u8]) -> bool {
        allowed.iter().any(|&n| got == code(n))
    }

    /// `start approval --input X`: 0 for JSON, 2 (usage) for anything else.
    #[test]
    fn start_input_is_json_or_a_usage_error() {
        let dir = TempDir::new("start");
        let db = dir.0.join("d.db");
        let mut runner = TestRunner::new(config(48));
        runner
            .run(&json_ish(), |input| {
                // `--input=X`: a value starting with `-` is a value, not an option.
                let got = durable(&db, &["start", "approval", &format!("--input={input}")]);
                let expected = if serde_json::from_str::<Value>(&input).is_ok() {
                    exit::OK
                } else {
                    exit::USAGE
                };
                prop_assert!(got == code(expected), "{got:?} for {input:?}");
                Ok(())
            })
            .unwrap();
    }

    /// `callback succeed ID --result X`, `callback fail ID ...`, `callback heartbeat ID` with
    /// ids nobody minted: 2 (bad id or bad JSON) or 3 (no such callback), never success.
    #[test]
    fn foreign_callback_ids_are_usage_or_not_found() {
        let dir = TempDir::new("foreign");
        let db = dir.0.join("d.db");
        assert!(durable(&db, &["start", "approval"]) == code(exit::OK));
        let mut runner = TestRunner::new(config(64));
        runner
            .run(
                &(
                    prop_oneof![text(), "[A-Za-z0-9_-]{1,120}"],
                    json_ish(),
                    text(),
                    text(),
                ),
                |(id, result, error_type, message)| {
                    let result = format!("--result={result}");
                    let error_type = format!("--error-type={error_type}");
                    let message = format!("--message={message}");
                    // `--` before the id: an id starting with `-` is an id, not an option.
                    for args in [
                        vec!["callback", "succeed", &result, "--", &id],
                        vec!["callback", "succeed", "--", &id],
                        vec!["callback", "fail", &error_type, &message, "--", &id],
                        vec!["callback", "heartbeat", "--", &id],
                    ] {
                        let got = durable(&db, &args);
                        prop_assert!(
                            one_of(got, &[exit::USAGE, exit::NOT_FOUND]),
                            "{got:?} for {args:?}"
                        );
                    }
                    Ok(())
                },
            )
            .unwrap();
    }

    /// A real callback answered through the CLI with any `--result` (or failed with any type
    /// and message): 0 when the result is JSON (the workflow then gets the value or an error
    /// it catches, and succeeds), 2 when it is not (the callback stays open).
    #[test]
    fn real_callbacks_take_any_result() {
        let dir = TempDir::new("real");
        let db = dir.0.join("d.db");
        let store = SqliteStore::open_with(
            &db,
            &SqliteOptions {
                synchronous: Synchronous::Off,
                ..SqliteOptions::default()
            },
        )
        .unwrap();
        let engine = LocalEngine::new(
            Arc::new(store),
            Arc::new(SystemClock),
            EngineOptions {
                log_sink: Some(Arc::new(Quiet)),
                ..EngineOptions::default()
            },
        );
        let wf = Arc::new(approval("approval"));
        let mut runner = TestRunner::new(config(32));
        runner
            .run(
                &(prop::option::of(json_ish()), prop::option::of((text(), text()))),
                |(result, fail)| {
                    let arn = engine.start_execution("approval", None).unwrap();
                    runtime().block_on(engine.run_to_completion(&wf, &arn)).unwrap();
                    let id = open_callback(&engine, &arn);
                    let (got, accepted) = match (&fail, &result) {
                        (Some((t, m)), _) => (
                            durable(
                                &db,
                                &[
                                    "callback",
                                    "fail",
                                    &format!("--error-type={t}"),
                                    &format!("--message={m}"),
                                    &id,
                                ],
                            ),
                            true,
                        ),
                        (None, Some(r)) => (
                            durable(&db, &["callback", "succeed", &format!("--result={r}"), &id]),
                            serde_json::from_str::<Value>(r).is_ok(),
                        ),
                        (None, None) => (durable(&db, &["callback", "succeed", &id]), true),
                    };
                    if accepted {
                        prop_assert!(got == code(exit::OK), "{got:?}");
                        let record = runtime().block_on(engine.run_to_completion(&wf, &arn)).unwrap();
                        prop_assert_eq!(record.status, ExecutionStatus::Succeeded, "{:?}", record.error);
                    } else {
                        prop_assert!(got == code(exit::USAGE), "{got:?}");
                        let record = engine.store().get(&arn).unwrap();
                        prop_assert_eq!(record.status, ExecutionStatus::Running, "the callback stays open");
                        engine.stop_execution(&arn, None).unwrap();
                    }
                    Ok(())
                },
            )
            .unwrap();
    }

    /// `replay --history FILE` with any file: OK, a divergence (6) or a usage error (2).
    #[test]
    fn replay_reads_any_history_file() {
        let dir = TempDir::new("replay");
        let file = dir.0.join("history.json");
        let db = dir.0.join("unused.db");
        let mut runner = TestRunner::new(config(48));
        let texts = prop_oneof![
            json_ish(),
            prop::collection::vec(mutation(), 1..3).prop_map(|ms| {
                let mut events = recorded_tour().clone();
                for (path, replacement) in &ms {
                    mutate(&mut events, path, replacement.clone());
                }
                events.to_string()
            }),
        ];
        runner
            .run(&texts, |text| {
                std::fs::write(&file, &text).unwrap();
                let history = file.to_str().unwrap();
                let got = durable(&db, &["replay", "--history", history, "--workflow", "tour"]);
                prop_assert!(one_of(got, &[exit::OK, exit::USAGE, exit::DIVERGED]), "{got:?}");
                Ok(())
            })
            .unwrap();
        assert!(!db.exists(), "replay needs no database");
    }
}
