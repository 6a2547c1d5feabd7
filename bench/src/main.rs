//! `durable-peer-bench`: durable's side of the peer benchmark kit
//! (`../shared/bench/peers/README.md`), plus a replay-scaling check.
//!
//! ```text
//! durable-peer-bench <workload> [--warmup N] [--runs N] [--budget-s S]
//! durable-peer-bench replay-scaling [--sizes 50,100,200] [--single 10,100,1000,10000,100000] [--runs N]
//! ```
//!
//! With a workload (`steps-1000`, `step-wait-100`, `step-wait-100-suspend`, `map-500`,
//! `callbacks-50`) it speaks the kit's per-process protocol: one JSON object per line,
//!
//! ```text
//! {"type":"run","index":0,"warmup":true,"ms":12.3,"cpu_ms":11.0,"ok":true,"note":"invocations=1"}
//! {"type":"budget","note":"stopped after 4 runs: time budget 50s"}   (only if the budget cut it)
//! {"type":"done","self_peak_rss_mb":42.0}
//! ```
//!
//! Each run builds a fresh [`durable_runtime::testing::TestRunner`] (in-memory store, virtual
//! time), runs the execution to its end, and checks the result exactly. The runtime is
//! tokio's multi-threaded one, as in a Lambda binary.
//!
//! `replay-scaling` is not part of the kit: see [`scaling`].

mod scaling;
mod workloads;

use std::time::Instant;

/// CPU time (user + system, all threads) this process has used so far, in ms.
///
/// Sums the on-CPU nanoseconds of every live thread (`/proc/self/task/*/schedstat`, first
/// field): nanosecond resolution without `unsafe` (`getrusage` needs FFI; `/proc/self/stat`
/// counts 10 ms ticks). Threads that already exited are not counted; this program's threads
/// (main and tokio workers) live as long as the process.
pub fn process_cpu_ms() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return f64::NAN;
    };
    let mut ns: u64 = 0;
    for task in tasks.flatten() {
        let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) else {
            continue;
        };
        ns += text
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
    }
    ns as f64 / 1e6
}

/// The process's peak resident set size (`VmHWM`), in MB.
fn self_peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Parses `--name value` flags after the first positional argument.
struct Args {
    command: String,
    warmup: usize,
    runs: usize,
    budget_s: f64,
    sizes: Vec<u32>,
    single: Vec<u32>,
}

fn parse_list(v: Option<String>) -> Option<Vec<u32>> {
    v.map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        command: String::new(),
        warmup: 1,
        runs: 5,
        budget_s: 50.0,
        sizes: vec![50, 100, 200],
        single: vec![10, 100, 1_000, 10_000, 100_000],
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--warmup" => args.warmup = it.next().and_then(|v| v.parse().ok()).ok_or("--warmup N")?,
            "--runs" => args.runs = it.next().and_then(|v| v.parse().ok()).ok_or("--runs N")?,
            "--budget-s" => args.budget_s = it.next().and_then(|v| v.parse().ok()).ok_or("--budget-s S")?,
            "--sizes" => args.sizes = parse_list(it.next()).ok_or("--sizes 50,100,200")?,
            "--single" => args.single = parse_list(it.next()).ok_or("--single 10,100,1000")?,
            w if !w.starts_with("--") && args.command.is_empty() => args.command = w.to_owned(),
            other => return Err(format!("unexpected argument {other}")),
        }
    }
    if args.command.is_empty() {
        return Err(format!(
            "usage: durable-peer-bench <{}|replay-scaling> [--warmup N] [--runs N] [--budget-s S]",
            workloads::WORKLOADS.join("|")
        ));
    }
    Ok(args)
}

/// The kit's per-process protocol for one workload.
async fn peer_protocol(args: &Args) {
    let started = Instant::now();
    let total = args.warmup + args.runs;
    for index in 0..total {
        let cpu0 = process_cpu_ms();
        let t0 = Instant::now();
        let outcome = workloads::run_once(&args.command).await;
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        let cpu_ms = process_cpu_ms() - cpu0;
        let (ok, note) = outcome.unwrap_or_else(|e| (false, e));
        let line = serde_json::json!({
            "type": "run",
            "index": index,
            "warmup": index < args.warmup,
            "ms": round3(ms),
            "cpu_ms": round3(cpu_ms),
            "ok": ok,
            "note": note,
        });
        println!("{line}");
        if !ok {
            break;
        }
        // No new run if it would end past the budget, once 2 measured runs are done.
        let elapsed = started.elapsed().as_secs_f64();
        let measured_done = (index + 1).saturating_sub(args.warmup);
        if index + 1 < total && measured_done >= 2 && elapsed + ms / 1000.0 > args.budget_s {
            let note = format!("stopped after {} runs: time budget {}s", index + 1, args.budget_s);
            println!("{}", serde_json::json!({"type": "budget", "note": note}));
            break;
        }
    }
    println!(
        "{}",
        serde_json::json!({"type": "done", "self_peak_rss_mb": self_peak_rss_mb()})
    );
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("durable-peer-bench: {e}");
            std::process::exit(2);
        }
    };
    if args.command == "replay-scaling" {
        if let Err(e) = scaling::run(&args.sizes, &args.single, args.runs.max(1)).await {
            eprintln!("durable-peer-bench replay-scaling: {e}");
            std::process::exit(1);
        }
        return;
    }
    if !workloads::WORKLOADS.contains(&args.command.as_str()) {
        // Still speak the protocol: one failed run saying why.
        let note = format!("unknown workload {}", args.command);
        println!(
            "{}",
            serde_json::json!({"type": "run", "index": 0, "warmup": args.warmup > 0, "ms": 0.0,
                               "cpu_ms": 0.0, "ok": false, "note": note})
        );
        println!(
            "{}",
            serde_json::json!({"type": "done", "self_peak_rss_mb": self_peak_rss_mb()})
        );
        std::process::exit(2);
    }
    peer_protocol(&args).await;
}
