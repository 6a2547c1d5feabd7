//! Workflows written with the macros run on the test runner: results, step names, retry
//! behaviour, and the same history as the same workflow written against `DurableContext`.

use durable_runtime::local::ExecutionStatus;
use durable_runtime::prelude::*;
use durable_runtime::testing::{TestResult, TestRunner};
use durable_runtime::wire::OperationType;
use durable_runtime::StepContext;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Clone, Debug, Deserialize, Serialize)]
struct Order {
    customer: String,
    cents: u64,
}

/// Counts the live attempts of `reserve` (only `process_order` runs it).
static RESERVE_ATTEMPTS: AtomicU32 = AtomicU32::new(0);

#[step(name = "compose-greeting")]
async fn greet(customer: String) -> Result<String, std::convert::Infallible> {
    Ok(format!("Hello, {customer}!"))
}

/// Fails twice, then succeeds: exercises the retry policy written in the attribute, and a
/// `StepContext` parameter (filled in by the runtime, not by the caller).
#[step(retry(max_attempts = 3, initial = "2s", max = "1m", backoff = 2.0, jitter = "none"))]
async fn reserve(cents: u64, step: StepContext) -> Result<u64, String> {
    let attempt = RESERVE_ATTEMPTS.fetch_add(1, Ordering::SeqCst) + 1;
    assert_eq!(step.attempt, attempt);
    if attempt < 3 {
        return Err(format!("attempt {attempt}: warehouse busy"));
    }
    Ok(cents * 2)
}

#[durable_workflow]
async fn process_order(ctx: DurableContext, order: Order) -> Result<String, DurableError> {
    let greeting = ctx.run(greet(order.customer.clone())).await?;
    let reserved = ctx.run(reserve(order.cents)).await?;
    ctx.wait("cool-off", Duration::from_secs(60)).await?;
    let total: u64 = ctx
        .step("total", move |_| async move { Ok::<_, String>(reserved + 1) })
        .await?;
    Ok(format!("{greeting} total={total}"))
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn step_names(result: &TestResult) -> Vec<String> {
    result
        .operations()
        .iter()
        .filter(|o| o.operation_type != OperationType::Execution)
        .filter_map(|o| o.name.as_deref().map(str::to_owned))
        .collect()
}

#[test]
fn macro_workflow_runs_with_retries_and_names() {
    let result = block_on(TestRunner::new(ProcessOrder).run(&Order {
        customer: "Ada".into(),
        cents: 21,
    }))
    .unwrap();
    assert_eq!(
        result.status(),
        ExecutionStatus::Succeeded,
        "{}",
        result.timeline()
    );
    assert_eq!(result.output::<String>().unwrap(), "Hello, Ada! total=43");
    assert_eq!(
        step_names(&result),
        ["compose-greeting", "reserve", "cool-off", "total"]
    );
    assert_eq!(RESERVE_ATTEMPTS.load(Ordering::SeqCst), 3);
    let reserve = result.operation("reserve").unwrap();
    assert_eq!(reserve.step_details.as_ref().unwrap().attempt, 3);
    // Two retries and the wait each suspend the execution: 4 invocations.
    assert_eq!(result.invocations(), 4, "{}", result.timeline());
    assert_eq!(ProcessOrder.name(), "process_order");
    // `initial = "2s"`, `backoff = 2.0`, `jitter = "none"`: attempts at +0 s, +2 s, +6 s.
    let start = result.record().start.0;
    let attempts: Vec<i64> = result
        .history()
        .iter()
        .filter(|e| e.event_type == "StepStarted" && e.name.as_deref() == Some("reserve"))
        .map(|e| e.event_timestamp.0 - start)
        .collect();
    assert_eq!(attempts, [0, 2_000, 6_000], "{}", result.timeline());
}

#[step(retry = "none")]
async fn always_fails(reason: String) -> Result<u32, String> {
    Err(reason)
}

#[durable_workflow(name = "failing-workflow")]
async fn failing(ctx: DurableContext) -> Result<u32, DurableError> {
    ctx.run(always_fails("card declined".to_owned())).await
}

#[test]
fn retry_none_fails_after_one_attempt() {
    assert_eq!(Failing.name(), "failing-workflow");
    let result = block_on(TestRunner::new(Failing).run(&())).unwrap();
    assert_eq!(result.status(), ExecutionStatus::Failed);
    assert!(
        result.error().unwrap().message().contains("card declined"),
        "{:?}",
        result.error()
    );
    assert_eq!(
        result
            .operation("always_fails")
            .unwrap()
            .step_details
            .as_ref()
            .unwrap()
            .attempt,
        1
    );
    assert_eq!(result.invocations(), 1);
}

#[test]
fn mocks_apply_to_macro_steps_by_name() {
    let runner = TestRunner::new(Mocked);
    runner.mock_step("compose-greeting", serde_json::json!("Hi (mocked)"));
    let result = block_on(runner.run(&"Bob")).unwrap();
    assert_eq!(result.output::<String>().unwrap(), "Hi (mocked)");
}

#[durable_workflow]
async fn mocked(ctx: DurableContext, customer: String) -> Result<String, DurableError> {
    ctx.run(greet(customer)).await
}

// The same workflow, twice: once with the macros, once against `DurableContext` directly.
#[step(
    name = "fetch",
    retry(max_attempts = 2, initial = "1s", jitter = "none"),
    semantics = "at_most_once"
)]
async fn fetch(id: u32) -> Result<u32, String> {
    Ok(id + 100)
}

#[durable_workflow]
async fn with_macros(ctx: DurableContext, id: u32) -> Result<u32, DurableError> {
    let fetched = ctx.run(fetch(id)).await?;
    ctx.wait("pause", Duration::from_secs(5)).await?;
    let doubled = ctx
        .run_in_child_context("double", move |child| async move {
            child
                .step("times-two", move |_| async move { Ok::<_, String>(fetched * 2) })
                .await
        })
        .await?;
    Ok(doubled)
}

fn by_hand() -> impl Workflow<Input = u32, Output = u32> {
    workflow_fn("with_macros", |ctx: DurableContext, id: u32| async move {
        let fetched: u32 = ctx
            .step("fetch", move |_| async move { Ok::<_, String>(id + 100) })
            .retry(
                RetryPolicy::exponential()
                    .max_attempts(2)
                    .initial_delay(Duration::from_secs(1))
                    .jitter(Jitter::None),
            )
            .semantics(StepSemantics::AtMostOncePerRetry)
            .await?;
        ctx.wait("pause", Duration::from_secs(5)).await?;
        let doubled = ctx
            .run_in_child_context("double", move |child| async move {
                child
                    .step("times-two", move |_| async move { Ok::<_, String>(fetched * 2) })
                    .await
            })
            .await?;
        Ok(doubled)
    })
}

/// Event type, sub-type, operation id and name of each history event.
type Shape = (String, Option<String>, Option<String>, Option<String>);

fn history_shape(result: &TestResult) -> Vec<Shape> {
    result
        .history()
        .iter()
        // The execution's own id is random per run; every operation id must match.
        .map(|e| {
            let id = if e.event_type.starts_with("Execution") {
                None
            } else {
                e.id.as_deref().map(str::to_owned)
            };
            (
                e.event_type.to_string(),
                e.sub_type.as_deref().map(str::to_owned),
                id,
                e.name.as_deref().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn macro_expansion_matches_hand_written_history() {
    let macro_run = block_on(TestRunner::new(WithMacros).run(&7)).unwrap();
    let hand_run = block_on(TestRunner::new(by_hand()).run(&7)).unwrap();
    assert_eq!(macro_run.output::<u32>().unwrap(), 214);
    assert_eq!(hand_run.output::<u32>().unwrap(), 214);
    assert_eq!(history_shape(&macro_run), history_shape(&hand_run));
    assert_eq!(macro_run.timeline(), hand_run.timeline());
}

/// Escape hatch: the attribute is accepted with a reason and stripped from the output.
#[durable_workflow]
async fn with_escape_hatch(ctx: DurableContext) -> Result<bool, DurableError> {
    #[durable::allow_nondeterministic(reason = "only logged, never branched on")]
    let started = std::time::SystemTime::now();
    let _ = started;
    ctx.wait("tick", Duration::from_secs(1)).await?;
    Ok(true)
}

#[test]
fn escape_hatch_compiles_and_runs() {
    let result = block_on(TestRunner::new(WithEscapeHatch).run(&())).unwrap();
    assert!(result.output::<bool>().unwrap());
}

fn every_error_twice() -> impl durable_runtime::RetryStrategy {
    |_: &durable_runtime::StepFailure<'_>, attempts: u32| {
        if attempts < 2 {
            durable_runtime::RetryDecision::retry(Duration::from_secs(3))
        } else {
            durable_runtime::RetryDecision::stop()
        }
    }
}

fn shouting() -> impl durable_runtime::Serdes<String> {
    durable_runtime::serdes_fn(
        |s: &String| serde_json::to_string(&s.to_uppercase()).map_err(|e| e.to_string()),
        |d: Option<&str>| serde_json::from_str(d.unwrap_or("null")).map_err(|e| e.to_string()),
    )
}

#[step(retry_with = every_error_twice, serdes = shouting)]
async fn flaky_shout(word: String, step: StepContext) -> Result<String, String> {
    if step.attempt == 1 {
        return Err("first attempt fails".into());
    }
    Ok(word)
}

#[durable_workflow]
async fn shout(ctx: DurableContext, word: String) -> Result<String, DurableError> {
    ctx.run(flaky_shout(word)).await
}

#[test]
fn user_strategy_and_serdes_apply_to_macro_steps() {
    let result = block_on(TestRunner::new(Shout).run("hey")).unwrap();
    assert_eq!(result.output::<String>().unwrap(), "HEY");
    assert_eq!(result.invocations(), 2, "the user strategy retried once");
    let failed = result
        .history()
        .iter()
        .find(|e| e.event_type == "StepFailed")
        .unwrap();
    let details = serde_json::to_value(failed).unwrap();
    assert_eq!(
        details["StepFailedDetails"]["RetryDetails"]["NextAttemptDelaySeconds"],
        3
    );
    assert_eq!(Shout::MANIFEST.name, "shout");
    assert_eq!(Shout::MANIFEST.operations.len(), 1);
    assert_eq!(Shout::MANIFEST.operations[0].kind, "step");
}
