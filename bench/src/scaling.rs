//! `replay-scaling`: does replay stay linear in history length?
//!
//! Issue 7 asks that the replay cost of one invocation over a history of N completed
//! operations grow linearly in N (flat per-op cost). Two measurements, both timing each
//! invocation inside the SDK with a [`Plugin`] (from `on_invocation_start`, after the state
//! is loaded, to `on_invocation_end`):
//!
//! 1. **W2b-like histories** (`--sizes`, default 50, 100, 200): `n` × (step, growing wait),
//!    `n + 1` invocations, invocation `k` replaying `2k` completed operations. The total
//!    replay work is `n(n+1)` operations, so the whole run grows about 4× per doubling of `n`
//!    (quadratic, as the kit's README says: inherent to re-running from the top); what must
//!    stay flat is the per-invocation cost per replayed operation, i.e. the slope of
//!    invocation time against history length, fitted by least squares.
//! 2. **One replay over N operations** (`--single`, default 10 … 10,000): `N` steps then one
//!    wait; the second invocation replays the `N` steps and finishes. Its time divided by `N`
//!    must stay flat as `N` grows (the growth from N = 1,000 to the largest N is printed).

use crate::workloads::{Input, StepWaitSuspend};
use durable_runtime::prelude::*;
use durable_runtime::testing::TestRunner;
use durable_runtime::{InvocationEnd, InvocationStart, Plugin};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Times every invocation between its start and end hooks.
#[derive(Default)]
struct InvocationTimer {
    started: Mutex<Option<Instant>>,
    durations_us: Mutex<Vec<f64>>,
}

impl InvocationTimer {
    fn take(&self) -> Vec<f64> {
        std::mem::take(&mut *self.durations_us.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Plugin for InvocationTimer {
    fn on_invocation_start(&self, _info: &InvocationStart<'_>) {
        *self.started.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
    }

    fn on_invocation_end(&self, _info: &InvocationEnd<'_>) {
        if let Some(t0) = self.started.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let us = t0.elapsed().as_secs_f64() * 1e6;
            self.durations_us
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(us);
        }
    }
}

/// `n` steps, then one wait long enough to suspend; returns `n`.
#[durable_workflow(name = "replay-n")]
async fn replay_n(ctx: DurableContext, input: Input) -> Result<u32, DurableError> {
    for i in 0..input.n {
        ctx.step(format!("step-{i}"), move |_| async move {
            Ok::<_, DurableError>(crate::workloads::work(i))
        })
        .await?;
    }
    ctx.wait("end", Duration::from_secs(1000)).await?;
    Ok(input.n)
}

/// Least-squares slope and intercept of `ys` against `xs`.
fn fit(xs: &[f64], ys: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (slope, my - slope * mx)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs both measurements and prints Markdown tables on stdout.
pub async fn run(sizes: &[u32], single: &[u32], runs: usize) -> Result<(), String> {
    println!("### W2b-like histories: n × (step, wait), n + 1 invocations\n");
    println!(
        "Median of {runs} runs (after 1 warm-up). `replayed` = Σ 2k over invocations k = 0..n. \
         `slope` = least-squares fit of SDK time per invocation against its history length 2k.\n"
    );
    println!("| n | invocations | replayed ops | run wall (ms) | run wall / replayed op (µs) | slope (µs per replayed op) | intercept (µs per invocation) | last invocation (µs) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut prev_total: Option<(u32, f64)> = None;
    let mut growth = Vec::new();
    for &n in sizes {
        let timer = Arc::new(InvocationTimer::default());
        let mut walls = Vec::new();
        let mut per_invocation: Vec<Vec<f64>> = Vec::new();
        for r in 0..=runs {
            let runner = TestRunner::new(StepWaitSuspend)
                .replay_check(false)
                .plugin(timer.clone());
            let t0 = Instant::now();
            let result = runner.run(&Input { n }).await.map_err(|e| e.to_string())?;
            let wall = t0.elapsed().as_secs_f64() * 1000.0;
            let durations = timer.take();
            if result.status() != durable_runtime::local::ExecutionStatus::Succeeded {
                return Err(format!("n={n}: the execution ended {}", result.status().as_str()));
            }
            if r > 0 {
                walls.push(wall);
                per_invocation.push(durations);
            }
        }
        let invocations = per_invocation.first().map_or(0, Vec::len);
        // Per invocation index: the median over runs.
        let ys: Vec<f64> = (0..invocations)
            .map(|k| median(per_invocation.iter().filter_map(|d| d.get(k).copied()).collect()))
            .collect();
        let xs: Vec<f64> = (0..invocations).map(|k| 2.0 * k as f64).collect();
        let (slope, intercept) = fit(&xs, &ys);
        let replayed = u64::from(n) * (u64::from(n) + 1);
        let wall = median(walls);
        println!(
            "| {n} | {invocations} | {replayed} | {wall:.2} | {:.3} | {slope:.3} | {intercept:.1} | {:.1} |",
            wall * 1000.0 / replayed as f64,
            ys.last().copied().unwrap_or(f64::NAN),
        );
        if let Some((pn, pw)) = prev_total {
            growth.push(format!(
                "n {pn} → {n} (×{:.1}): run wall ×{:.2} (quadratic total would be ×{:.2})",
                f64::from(n) / f64::from(pn),
                wall / pw,
                (f64::from(n) * f64::from(n + 1)) / (f64::from(pn) * f64::from(pn + 1)),
            ));
        }
        prev_total = Some((n, wall));
    }
    println!();
    for g in growth {
        println!("- {g}");
    }

    println!("\n### One invocation replaying N completed steps\n");
    println!("| N | live first invocation (µs per step) | replay invocation (µs) | replay per op (µs) |");
    println!("|---:|---:|---:|---:|");
    let mut per_op = Vec::new();
    for &n in single {
        let timer = Arc::new(InvocationTimer::default());
        let mut live = Vec::new();
        let mut replay = Vec::new();
        for r in 0..=runs {
            let runner = TestRunner::new(ReplayN).replay_check(false).plugin(timer.clone());
            let result = runner.run(&Input { n }).await.map_err(|e| e.to_string())?;
            let d = timer.take();
            if result.status() != durable_runtime::local::ExecutionStatus::Succeeded || d.len() != 2 {
                return Err(format!(
                    "N={n}: unexpected outcome ({} invocations timed)",
                    d.len()
                ));
            }
            if r > 0 {
                live.push(d[0]);
                replay.push(d[1]);
            }
        }
        let per = f64::from(n.max(1));
        let replay = median(replay);
        println!(
            "| {n} | {:.3} | {replay:.1} | {:.3} |",
            median(live) / per,
            replay / per
        );
        per_op.push((n, replay / per));
    }
    // Growth of the per-op cost from N = 1,000 (below that, fixed costs dominate) up.
    if let (Some((n0, c0)), Some((n1, c1))) = (per_op.iter().find(|(n, _)| *n >= 1_000), per_op.last()) {
        if n1 > n0 {
            println!("\n- replay per op, N = {n0} → {n1}: ×{:.2}", c1 / c0);
        }
    }
    Ok(())
}
