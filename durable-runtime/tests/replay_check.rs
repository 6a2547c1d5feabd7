//! The replay checker: every `TestRunner` invocation is replayed a second time and compared.
//! Deterministic workflows must come out exactly as without it; nondeterministic ones (a
//! global counter, hash-map order, the wall clock, randomness) must be reported at the right
//! operation and source line.

use durable_runtime::local::worker::{Worker, WorkerOptions};
use durable_runtime::local::{
    DivergenceKind, EngineError, EngineOptions, ExecutionStatus, LocalEngine, MemoryStore, ReplayDivergence,
    VirtualClock,
};
use durable_runtime::prelude::*;
use durable_runtime::testing::{LogCollector, TestResult, TestRunner};
use durable_runtime::wire::ErrorObject;
use durable_runtime::{Branch, MockOutcome, OperationInfo, Plugin, PollingPolicy, StepContext};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// A workflow over every kind of operation, suspending many times; `bodies` counts step
/// bodies run.
fn everything(bodies: Arc<AtomicU32>) -> impl Workflow<Input = u32, Output = Value> {
    workflow_fn("everything", move |ctx: DurableContext, n: u32| {
        let bodies = bodies.clone();
        async move {
            let counted = |value: u32| {
                let bodies = bodies.clone();
                move |_: StepContext| async move {
                    bodies.fetch_add(1, SeqCst);
                    Ok::<_, DurableError>(value)
                }
            };
            let first: u32 = ctx.step("first", counted(n + 1)).await?;
            ctx.logger().info(format!("first = {first}"));
            let k1 = counted(10);
            let kid: u32 = ctx
                .run_in_child_context("kid", move |c: DurableContext| async move {
                    let x: u32 = c.step("k1", k1).await?;
                    c.wait("k-pause", Duration::from_secs(5)).await?;
                    Ok(x + 1)
                })
                .await?;
            let square = bodies.clone();
            let squares = ctx
                .map(
                    "squares",
                    vec![1u32, 2, 3, 4, 5],
                    move |c: DurableContext, item: u32, _| {
                        let bodies = square.clone();
                        async move {
                            c.wait("breathe", Duration::from_secs(u64::from(6 - item)))
                                .await?;
                            c.step("square", move |_| async move {
                                bodies.fetch_add(1, SeqCst);
                                Ok::<_, DurableError>(item * item)
                            })
                            .await
                        }
                    },
                )
                .max_concurrency(2)
                .await?
                .into_results();
            let (left, right) = (counted(1), counted(2));
            let sides = ctx
                .parallel(
                    "sides",
                    vec![
                        Branch::named("left", move |c: DurableContext| async move {
                            c.wait("lw", Duration::from_secs(3)).await?;
                            c.step("l", left).await
                        }),
                        Branch::named("right", move |c: DurableContext| async move {
                            c.step("r", right).await
                        }),
                    ],
                )
                .await?
                .into_results();
            let approval: String = ctx
                .wait_for_callback("approve", |_id, _| async { Ok::<_, DurableError>(()) })
                .timeout(Duration::from_secs(3600))
                .await?;
            let manual = ctx
                .create_callback::<u32>("manual")
                .timeout(Duration::from_secs(600))
                .heartbeat_timeout(Duration::from_secs(300))
                .await?;
            let answered = manual.result().await?;
            let no_jitter = || {
                RetryPolicy::exponential()
                    .max_attempts(4)
                    .initial_delay(Duration::from_secs(2))
                    .jitter(Jitter::None)
            };
            let flaky: u32 = ctx.step("flaky", counted(0)).retry(no_jitter()).await?;
            let tries = bodies.clone();
            let block: u32 = ctx
                .with_retry("block", no_jitter(), move |c: DurableContext, attempt: u32| {
                    let bodies = tries.clone();
                    async move {
                        let seen: u32 = c
                            .step("try", move |_| async move {
                                bodies.fetch_add(1, SeqCst);
                                Ok::<_, DurableError>(attempt)
                            })
                            .await?;
                        if seen < 2 {
                            return Err(DurableError::failure("NotYet", "again"));
                        }
                        Ok(seen)
                    }
                })
                .await?;
            let polling = PollingPolicy::until_not(|s: &u32| *s < 3).fixed_delay(Duration::from_secs(4));
            let polled: u32 = ctx
                .wait_for_condition("poll", 0u32, polling, |s: u32, _| async move {
                    Ok::<_, DurableError>(s + 1)
                })
                .await?;
            let (p, q) = (ctx.step("p", counted(3)), ctx.step("q", counted(4)));
            let both: Vec<u32> = ctx.all("both", vec![p.into_future(), q.into_future()]).await?;
            let fast = ctx.step("fast", counted(5));
            let raced: u32 = ctx.race("race", vec![fast.into_future()]).await?;
            ctx.logger().info("done");
            Ok(json!({
                "kid": kid, "squares": squares, "sides": sides, "approval": approval,
                "answered": answered, "flaky": flaky, "block": block, "polled": polled,
                "both": both, "raced": raced,
            }))
        }
    })
}

/// Every plugin hook, in order.
#[derive(Default)]
struct Hooks(Mutex<Vec<String>>);

impl Hooks {
    fn push(&self, hook: &str, op: &OperationInfo<'_>) {
        let mut hooks = self.0.lock().unwrap();
        hooks.push(format!("{hook} {}", op.name.unwrap_or(op.operation_id)));
    }
}

impl Plugin for Hooks {
    fn on_operation_start(&self, op: &OperationInfo<'_>) {
        self.push("start", op);
    }
    fn on_attempt_start(&self, op: &OperationInfo<'_>, attempt: u32) {
        self.push(&format!("attempt {attempt}"), op);
    }
}

/// A history without what differs between any two runs (timestamps are kept relative to the
/// start, under virtual time; the execution's id, request ids and callback ids are random).
fn normalized(r: &TestResult) -> Vec<Value> {
    fn scrub(v: &mut Value, start: f64) {
        match v {
            Value::Object(map) => {
                map.remove("RequestId");
                map.remove("CallbackId");
                for (key, value) in map.iter_mut() {
                    match value.as_f64() {
                        Some(t) if key.ends_with("Timestamp") => {
                            *value = json!(((t - start) * 1000.0).round())
                        }
                        _ => scrub(value, start),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| scrub(i, start)),
            _ => {}
        }
    }
    let start = r.record().start.0 as f64 / 1000.0;
    r.history()
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(&**e).unwrap();
            if e.event_type.starts_with("Execution") {
                v.as_object_mut().unwrap().remove("Id");
            }
            scrub(&mut v, start);
            v
        })
        .collect()
}

struct Observed {
    result: TestResult,
    bodies: u32,
    hooks: Vec<String>,
}

async fn run_everything(check: bool) -> Observed {
    let bodies = Arc::new(AtomicU32::new(0));
    let hooks = Arc::new(Hooks::default());
    let runner = TestRunner::new(everything(bodies.clone()))
        .replay_check(check)
        .plugin(hooks.clone());
    runner.answer_callback("approve", json!("yes"));
    runner.answer_callback("manual", json!(42));
    runner.mock_step_outcomes(
        "flaky",
        vec![
            MockOutcome::Fail(ErrorObject::new("Transient", "try again")),
            MockOutcome::Succeed(json!(7)),
        ],
    );
    let result = runner.run(&1u32).await.unwrap();
    let hooks = hooks.0.lock().unwrap().clone();
    Observed {
        result,
        bodies: bodies.load(SeqCst),
        hooks,
    }
}

#[tokio::test]
async fn a_deterministic_workflow_comes_out_exactly_as_without_the_check() {
    let on = run_everything(true).await;
    let off = run_everything(false).await;
    let r = &on.result;
    assert_eq!(r.status(), ExecutionStatus::Succeeded, "{:?}", r.error());
    assert_eq!(
        r.output::<Value>().unwrap(),
        json!({
            "kid": 11, "squares": [1, 4, 9, 16, 25], "sides": [1, 2], "approval": "yes",
            "answered": 42, "flaky": 7, "block": 2, "polled": 3, "both": [3, 4], "raced": 5,
        })
    );
    assert!(r.invocations() > 8, "it suspends often: {}", r.invocations());
    assert_eq!(r.result_json(), off.result.result_json());
    assert_eq!(r.invocations(), off.result.invocations());
    assert_eq!(normalized(r), normalized(&off.result));
    assert_eq!(on.bodies, off.bodies, "a step body ran in the replay");
    assert_eq!(on.hooks, off.hooks, "the replay called a plugin");
    let logs = |r: &TestResult| -> Vec<(String, Option<String>)> {
        r.logs()
            .iter()
            .map(|l| (l.message.clone(), l.operation_name.clone()))
            .collect()
    };
    assert_eq!(logs(r), logs(&off.result));
    assert_eq!(logs(r).len(), 2, "{:?}", logs(r));
}

/// The line of this file holding `needle` (1-based), outside the assertions that look for it.
fn line_of(needle: &str) -> u32 {
    let source = include_str!("replay_check.rs");
    let mut lines = source
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle) && !l.contains("line_of("));
    let (at, _) = lines.next().expect("marker not found");
    assert!(lines.next().is_none(), "marker `{needle}` is not unique");
    u32::try_from(at + 1).unwrap()
}

fn divergence<T: std::fmt::Debug>(outcome: Result<T, EngineError>) -> ReplayDivergence {
    match outcome {
        Err(EngineError::ReplayDivergence(d)) => *d,
        other => panic!("expected a replay divergence, got {other:?}"),
    }
}

static CALLS: AtomicU32 = AtomicU32::new(0);

fn branches_on_a_global() -> impl Workflow<Input = (), Output = u32> {
    workflow_fn("counter", |ctx: DurableContext, _: ()| async move {
        let base: u32 = ctx
            .step("load", |_| async { Ok::<_, DurableError>(1u32) })
            .await?;
        // A helper's global state: invisible to any lint, different on every run.
        let amount: u32 = if CALLS.fetch_add(1, SeqCst).is_multiple_of(2) {
            ctx.step("charge-card", |_| async { Ok::<_, DurableError>(10u32) })
                .await?
        } else {
            ctx.step("refund", |_| async { Ok::<_, DurableError>(0u32) })
                .await?
        };
        Ok(base + amount)
    })
}

#[tokio::test]
async fn a_branch_on_a_global_counter_is_caught_where_it_happens() {
    let d = divergence(TestRunner::new(branches_on_a_global()).run(&()).await);
    assert_eq!(d.kind, DivergenceKind::Operation);
    assert_eq!((d.workflow.as_str(), d.invocation), ("counter", 1));
    assert_eq!(d.position.as_deref(), Some("2"));
    assert_eq!(d.operation_name.as_deref(), Some("charge-card"));
    assert_eq!(
        (d.first_run.as_str(), d.replay.as_str()),
        ("step `charge-card`", "step `refund`")
    );
    let (first, replay) = (d.first_run_location.unwrap(), d.replay_location.unwrap());
    assert!(first.file().ends_with("tests/replay_check.rs"), "{first}");
    assert_eq!(first.line(), line_of(r#"ctx.step("charge-card""#));
    assert_eq!(replay.line(), line_of(r#"ctx.step("refund""#));
    assert_eq!(
        d.to_string(),
        format!(
            "replay divergence in workflow `counter` (invocation 1): operation 2 (step `charge-card`, \
             created at {first}): the first run created step `charge-card`, the replay created step \
             `refund` at {replay}"
        )
    );
    eprintln!("{d}");
    // Without the check this single-invocation workflow passes unnoticed.
    let r = TestRunner::new(branches_on_a_global())
        .replay_check(false)
        .run(&())
        .await
        .unwrap();
    assert_eq!(r.status(), ExecutionStatus::Succeeded);
}

fn names_steps_by_hash_map_order() -> impl Workflow<Input = (), Output = u32> {
    workflow_fn("prices", |ctx: DurableContext, _: ()| async move {
        let prices: HashMap<String, u32> = (0..10).map(|i| (format!("sku-{i}"), i)).collect();
        let mut total = 0;
        for (sku, price) in prices {
            total += ctx
                .step(format!("price-{sku}"), move |_| async move {
                    Ok::<_, DurableError>(price)
                })
                .await?;
        }
        Ok(total)
    })
}

#[tokio::test]
async fn hash_map_iteration_order_is_caught() {
    for _ in 0..3 {
        let d = divergence(TestRunner::new(names_steps_by_hash_map_order()).run(&()).await);
        assert_eq!(d.kind, DivergenceKind::Operation, "{d}");
        assert_ne!(d.first_run, d.replay);
        assert!(
            d.operation_name.as_deref().unwrap().starts_with("price-sku-"),
            "{d}"
        );
        assert_eq!(
            d.first_run_location.unwrap().line(),
            line_of(r#".step(format!("price-{sku}")"#)
        );
        eprintln!("{d}");
    }
    let r = TestRunner::new(names_steps_by_hash_map_order())
        .replay_check(false)
        .run(&())
        .await
        .unwrap();
    assert_eq!(r.output::<u32>().unwrap(), 45);
}

fn waits_by_the_wall_clock() -> impl Workflow<Input = (), Output = ()> {
    workflow_fn("cool-off", |ctx: DurableContext, _: ()| async move {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        ctx.wait("cool-off", Duration::from_secs(60 + u64::from(nanos % 100_000)))
            .await?;
        Ok(())
    })
}

#[tokio::test]
async fn a_wait_computed_from_the_clock_is_a_payload_difference() {
    let d = divergence(TestRunner::new(waits_by_the_wall_clock()).run(&()).await);
    assert_eq!(d.kind, DivergenceKind::Request);
    assert_eq!(d.invocation, 1);
    assert_eq!(d.operation_name.as_deref(), Some("cool-off"));
    assert!(d.first_run.starts_with("wait duration "), "{d}");
    assert!(d.replay.starts_with("wait duration "), "{d}");
    assert_ne!(d.first_run, d.replay);
    assert_eq!(
        d.first_run_location.unwrap().line(),
        line_of(r#"ctx.wait("cool-off""#)
    );
    let text = d.to_string();
    assert!(
        text.contains("operation 1 (wait `cool-off`, created at "),
        "{text}"
    );
    assert!(text.ends_with(" in the replay"), "{text}");
    eprintln!("{d}");
    // The engine itself never compares durations: without the check the execution succeeds.
    let r = TestRunner::new(waits_by_the_wall_clock())
        .replay_check(false)
        .run(&())
        .await
        .unwrap();
    assert_eq!((r.status(), r.invocations()), (ExecutionStatus::Succeeded, 2));
}

fn draws_a_lottery() -> impl Workflow<Input = (), Output = u64> {
    workflow_fn("lottery", |_ctx: DurableContext, _: ()| async move {
        Ok(fastrand::u64(..))
    })
}

#[tokio::test]
async fn a_random_result_of_a_workflow_that_never_suspends_is_caught() {
    let d = divergence(TestRunner::new(draws_a_lottery()).run(&()).await);
    assert_eq!(d.kind, DivergenceKind::Outcome);
    assert_eq!((d.invocation, d.position.as_deref()), (1, None));
    assert!(d.first_run.starts_with("finished with result "), "{d}");
    assert!(
        d.to_string()
            .starts_with("replay divergence in workflow `lottery` (invocation 1): the execution's outcome: the first run finished with result "),
        "{d}"
    );
    eprintln!("{d}");
    let r = TestRunner::new(draws_a_lottery())
        .replay_check(false)
        .run(&())
        .await
        .unwrap();
    assert_eq!((r.status(), r.invocations()), (ExecutionStatus::Succeeded, 1));
}

static DECODES: AtomicU32 = AtomicU32::new(0);

#[tokio::test]
async fn a_fatal_error_in_the_replay_is_a_divergence() {
    // The same step, read as another type on the second run: the replay cannot decode it.
    let wf = workflow_fn("types", |ctx: DurableContext, _: ()| async move {
        let value = if DECODES.fetch_add(1, SeqCst) == 0 {
            let n: u32 = ctx
                .step("value", |_| async { Ok::<_, DurableError>(5u32) })
                .await?;
            n.to_string()
        } else {
            ctx.step("value", |_| async { Ok::<_, DurableError>("five".to_owned()) })
                .await?
        };
        Ok(value)
    });
    let d = divergence(TestRunner::new(wf).run(&()).await);
    assert_eq!(d.kind, DivergenceKind::ReplayFailed);
    assert!(d.replay.starts_with("serialization failed"), "{d}");
    eprintln!("{d}");
}

static PANICS: AtomicU32 = AtomicU32::new(0);

#[tokio::test]
async fn a_panic_in_the_replay_is_a_divergence() {
    let wf = workflow_fn("fragile", |_ctx: DurableContext, _: ()| async move {
        assert!(PANICS.fetch_add(1, SeqCst) == 0, "only once");
        Ok(1u32)
    });
    let d = divergence(TestRunner::new(wf).run(&()).await);
    assert_eq!(d.kind, DivergenceKind::ReplayPanicked);
    assert!(
        d.to_string()
            .ends_with("the workflow code panicked in the replay: only once"),
        "{d}"
    );
    eprintln!("{d}");
}

#[tokio::test]
async fn jittered_retry_backoffs_are_not_differences() {
    // `with_retry` asks its strategy again on every replay; full jitter draws another delay,
    // but only the recorded wait counts.
    let wf = workflow_fn("jitter", |ctx: DurableContext, _: ()| async move {
        let policy = RetryPolicy::exponential()
            .max_attempts(5)
            .initial_delay(Duration::from_secs(30))
            .jitter(Jitter::Full);
        ctx.with_retry("block", policy, |c: DurableContext, attempt: u32| async move {
            let seen: u32 = c
                .step("try", move |_| async move { Ok::<_, DurableError>(attempt) })
                .await?;
            if seen < 4 {
                return Err(DurableError::failure("NotYet", "again"));
            }
            Ok(seen)
        })
        .await
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.output::<u32>().unwrap(), 4);
}

fn checking_engine() -> LocalEngine {
    let options = EngineOptions {
        replay_check: true,
        log_sink: Some(Arc::new(LogCollector::default())),
        ..EngineOptions::default()
    };
    LocalEngine::new(
        Arc::new(MemoryStore::new()),
        Arc::new(VirtualClock::new()),
        options,
    )
}

#[tokio::test]
async fn invoke_targets_and_inputs_are_compared() {
    let engine = checking_engine();
    engine.register_function("echo", Ok);
    engine.register_workflow(workflow_fn("double", |ctx: DurableContext, n: u64| async move {
        ctx.wait("think", Duration::from_secs(30)).await?;
        Ok(n * 2)
    }));
    let steady = Arc::new(workflow_fn("steady", |ctx: DurableContext, _: ()| async move {
        let doubled: u64 = ctx.invoke("double-it", "double", 21u64).await?;
        let echoed: Value = ctx.invoke("echo-it", "echo", json!({"n": doubled})).await?;
        Ok(echoed)
    }));
    let record = engine.run(&steady, None).await.unwrap();
    assert_eq!(record.status, ExecutionStatus::Succeeded, "{:?}", record.error);
    assert_eq!(record.result.as_deref(), Some(r#"{"n":42}"#));

    let stamped = Arc::new(workflow_fn("stamped", |ctx: DurableContext, _: ()| async move {
        let at = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
        let echoed: Value = ctx
            .invoke("echo-it", "echo", json!({ "at": at.to_string() }))
            .await?;
        Ok(echoed)
    }));
    let d = divergence(engine.run(&stamped, None).await);
    assert_eq!(d.kind, DivergenceKind::Request);
    assert!(d.first_run.starts_with(r#"invoke input {"at":"#), "{d}");
    eprintln!("{d}");
}

#[tokio::test]
async fn a_worker_with_the_check_fails_a_diverging_execution_visibly() {
    let engine = Arc::new(checking_engine());
    engine.register_workflow(waits_by_the_wall_clock());
    let bodies = Arc::new(AtomicU32::new(0));
    engine.register_workflow(workflow_fn("steady", move |ctx: DurableContext, _: ()| {
        let bodies = bodies.clone();
        async move {
            ctx.wait("pause", Duration::from_secs(10)).await?;
            ctx.step("work", move |_| async move {
                bodies.fetch_add(1, SeqCst);
                Ok::<_, DurableError>(1u32)
            })
            .await
        }
    }));
    let diverging = engine.start_execution("cool-off", None).unwrap();
    let steady = engine.start_execution("steady", None).unwrap();
    Worker::new(engine.clone(), WorkerOptions::default())
        .run_until_idle()
        .await
        .unwrap();
    let failed = engine.store().get(&diverging).unwrap();
    assert_eq!(failed.status, ExecutionStatus::Failed);
    let error = failed.error.unwrap();
    assert_eq!(error.type_name(), "ReplayDivergence");
    assert!(
        error.message().starts_with(
            "replay divergence in workflow `cool-off` (invocation 1): operation 1 (wait `cool-off`"
        ),
        "{error}"
    );
    // The invocation that found it ended the execution: one invocation, one completion.
    assert_eq!(failed.invocations, 1);
    let ok = engine.store().get(&steady).unwrap();
    assert_eq!(ok.status, ExecutionStatus::Succeeded, "{:?}", ok.error);
    assert_eq!(ok.result.as_deref(), Some("1"));
}

static INSIDE: AtomicU32 = AtomicU32::new(0);

#[tokio::test]
async fn nondeterminism_inside_a_child_context_that_completed_is_caught() {
    // The context starts and completes in one invocation: a replay returns its recorded
    // result without running it, so the check replays its body aside to compare it.
    let wf = workflow_fn("inside", |ctx: DurableContext, _: ()| async move {
        let picked: String = ctx
            .run_in_child_context("pick", |c: DurableContext| async move {
                let name = if INSIDE.fetch_add(1, SeqCst) == 0 {
                    "left"
                } else {
                    "right"
                };
                c.step(name, |_| async { Ok::<_, DurableError>(name.to_owned()) })
                    .await
            })
            .await?;
        ctx.wait("after", Duration::from_secs(1)).await?;
        Ok(picked)
    });
    let d = divergence(TestRunner::new(wf).run(&()).await);
    assert_eq!(d.kind, DivergenceKind::Operation);
    assert_eq!((d.invocation, d.position.as_deref()), (1, Some("1-1")));
    assert_eq!(
        (d.first_run.as_str(), d.replay.as_str()),
        ("step `left`", "step `right`")
    );
    eprintln!("{d}");
}
