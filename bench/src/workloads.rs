//! The five workloads of the peer benchmark kit (`../shared/bench/peers/README.md`), written
//! with durable's public API and macros, and how each run is checked.

use durable_runtime::prelude::*;
use durable_runtime::testing::{TestResult, TestRunner};
use serde::{Deserialize, Serialize};

/// The small JSON value every step returns: `{"i": <index>, "s": "v<index>"}`. Unknown
/// fields are rejected, so comparing decoded values is exact JSON equality for this shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Out {
    /// The index.
    pub i: u32,
    /// `"v<index>"` (steps) or `"cb<index>"` (callback answers).
    pub s: String,
}

/// The step body: trivial CPU work producing a small JSON value.
pub fn work(i: u32) -> Out {
    Out {
        i,
        s: format!("v{i}"),
    }
}

/// Handler input of every workload: `{"n": <count>}`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Input {
    /// How many iterations (steps, items, callbacks).
    pub n: u32,
}

/// W1 `steps-1000`: `n` sequential steps `step-{i}`, no waits.
#[durable_workflow(name = "steps-1000")]
pub async fn steps(ctx: DurableContext, input: Input) -> Result<Vec<Out>, DurableError> {
    let mut out = Vec::with_capacity(input.n as usize);
    for i in 0..input.n {
        let r = ctx
            .step(format!("step-{i}"), move |_| async move {
                Ok::<_, DurableError>(work(i))
            })
            .await?;
        out.push(r);
    }
    Ok(out)
}

/// W2 `step-wait-100`: `n` × (step `step-{i}`, then a 1-second durable wait `wait-{i}`).
#[durable_workflow(name = "step-wait-100")]
pub async fn step_wait(ctx: DurableContext, input: Input) -> Result<Vec<Out>, DurableError> {
    let mut out = Vec::with_capacity(input.n as usize);
    for i in 0..input.n {
        let r = ctx
            .step(format!("step-{i}"), move |_| async move {
                Ok::<_, DurableError>(work(i))
            })
            .await?;
        out.push(r);
        ctx.wait(format!("wait-{i}"), Duration::from_secs(1)).await?;
    }
    Ok(out)
}

/// W2b `step-wait-100-suspend`: as W2, but wait `wait-{i}` lasts `(i+1) × 1000` seconds.
#[durable_workflow(name = "step-wait-100-suspend")]
pub async fn step_wait_suspend(ctx: DurableContext, input: Input) -> Result<Vec<Out>, DurableError> {
    let mut out = Vec::with_capacity(input.n as usize);
    for i in 0..input.n {
        let r = ctx
            .step(format!("step-{i}"), move |_| async move {
                Ok::<_, DurableError>(work(i))
            })
            .await?;
        out.push(r);
        ctx.wait(format!("wait-{i}"), Duration::from_secs(u64::from(i + 1) * 1000))
            .await?;
    }
    Ok(out)
}

/// W3 `map-500`: one map `map-items` over `0..n`, max concurrency 10, each item running one
/// step `item-{item}` in its child context.
#[durable_workflow(name = "map-500")]
pub async fn map_items(ctx: DurableContext, input: Input) -> Result<Vec<Out>, DurableError> {
    let items: Vec<u32> = (0..input.n).collect();
    let result = ctx
        .map(
            "map-items",
            items,
            |child: DurableContext, item: u32, _index| async move {
                child
                    .step(format!("item-{item}"), move |_| async move {
                        Ok::<_, DurableError>(work(item))
                    })
                    .await
            },
        )
        .max_concurrency(10)
        .await?;
    result.throw_if_error()?;
    Ok(result.into_results())
}

/// W4 `callbacks-50`: `n` × (create callback `cb-{i}`, await its JSON answer).
#[durable_workflow(name = "callbacks-50")]
pub async fn callbacks(ctx: DurableContext, input: Input) -> Result<Vec<Out>, DurableError> {
    let mut out = Vec::with_capacity(input.n as usize);
    for i in 0..input.n {
        let cb = ctx.create_callback::<Out>(format!("cb-{i}")).await?;
        out.push(cb.result().await?);
    }
    Ok(out)
}

/// `[work(0), .., work(n-1)]`.
pub fn expected_steps(n: u32) -> Vec<Out> {
    (0..n).map(work).collect()
}

/// `[{"i": 0, "s": "cb0"}, ..]`: the answers W4's outside world sends, in order.
pub fn expected_callbacks(n: u32) -> Vec<Out> {
    (0..n)
        .map(|i| Out {
            i,
            s: format!("cb{i}"),
        })
        .collect()
}

/// The workload names, in the kit's order.
pub const WORKLOADS: [&str; 5] = [
    "steps-1000",
    "step-wait-100",
    "step-wait-100-suspend",
    "map-500",
    "callbacks-50",
];

/// Checks one run: `SUCCEEDED`, the exact expected JSON, and enough invocations. Returns
/// `(ok, note)`, the note carrying the invocation count as the kit wants it.
fn check(result: &TestResult, expected: &[Out], min_invocations: u32) -> (bool, String) {
    let inv = result.invocations();
    if result.status() != durable_runtime::local::ExecutionStatus::Succeeded {
        let error = result.error().map_or_else(String::new, ToString::to_string);
        return (
            false,
            format!(
                "not SUCCEEDED: {} {error} (invocations={inv})",
                result.status().as_str()
            ),
        );
    }
    match result.output::<Vec<Out>>() {
        Ok(got) if got == expected => {
            if inv < min_invocations {
                (
                    false,
                    format!("only {inv} invocations, expected >= {min_invocations}"),
                )
            } else {
                (true, format!("invocations={inv}"))
            }
        }
        Ok(got) => (
            false,
            format!(
                "wrong output: {} items, expected {} (invocations={inv})",
                got.len(),
                expected.len()
            ),
        ),
        Err(e) => (false, format!("unexpected result: {e}")),
    }
}

/// Runs `workload` once on a fresh test runner (virtual time, in-memory store) and checks it.
///
/// The runner's replay check (a second, shadow run of every invocation, on by default in
/// tests) is off: the peers have nothing like it, and it measures the check, not the engine.
pub async fn run_once(workload: &str) -> Result<(bool, String), String> {
    let engine_error = |e: durable_runtime::local::EngineError| format!("engine error: {e}");
    match workload {
        "steps-1000" => {
            let n = 1000;
            let r = TestRunner::new(Steps)
                .replay_check(false)
                .run(&Input { n })
                .await
                .map_err(engine_error)?;
            Ok(check(&r, &expected_steps(n), 1))
        }
        "step-wait-100" => {
            let n = 100;
            let r = TestRunner::new(StepWait)
                .replay_check(false)
                .run(&Input { n })
                .await
                .map_err(engine_error)?;
            Ok(check(&r, &expected_steps(n), 1))
        }
        "step-wait-100-suspend" => {
            let n = 100;
            let r = TestRunner::new(StepWaitSuspend)
                .replay_check(false)
                .run(&Input { n })
                .await
                .map_err(engine_error)?;
            Ok(check(&r, &expected_steps(n), n))
        }
        "map-500" => {
            let n = 500;
            let r = TestRunner::new(MapItems)
                .replay_check(false)
                .run(&Input { n })
                .await
                .map_err(engine_error)?;
            Ok(check(&r, &expected_steps(n), 1))
        }
        "callbacks-50" => {
            let n = 50;
            let runner = TestRunner::new(Callbacks).replay_check(false);
            // The outside world: answer cb-{i} with {"i": i, "s": "cb{i}"} as soon as it exists.
            for (i, answer) in expected_callbacks(n).iter().enumerate() {
                let value = serde_json::to_value(answer).map_err(|e| e.to_string())?;
                runner.answer_callback(&format!("cb-{i}"), value);
            }
            let r = runner.run(&Input { n }).await.map_err(engine_error)?;
            Ok(check(&r, &expected_callbacks(n), n))
        }
        other => Err(format!("unknown workload {other}")),
    }
}
