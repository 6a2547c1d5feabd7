//! `durable-store-bench`: the embedded engine's SQLite store under load.
//!
//! ```text
//! durable-store-bench [all|fsync|sequential|concurrent|memory] [--dir DIR] [--steps N]
//!     [--workflows N] [--steps-each N] [--rounds N] [--suspended N]
//!     [--memory-sync full|normal] [--markdown PATH]
//! ```
//!
//! * **fsync**: this disk's sync rate: 4 KiB appended to a file, then `sync_data`, for 2 s.
//! * **sequential**: one workflow of `--steps` (500) sequential steps on a fresh database
//!   (`synchronous=FULL`, default group commit), from `start_execution` to `SUCCEEDED`.
//! * **concurrent**: `--workflows` (100) workflows of `--steps-each` (50) steps, run at once
//!   by one worker, with group commit (limit 256) and without (limit 1), alternately for
//!   `--rounds` (1) rounds; the medians and their ratio, the group-commit gain.
//! * **memory**: in a child process, the resident set of a worker holding `--suspended`
//!   (10,000) executions, each suspended on an unanswered callback after one step.
//!
//! Every run's results are checked exactly; a wrong one ends the program with an error
//! instead of a figure. The databases live in a fresh directory under `--dir` (default: the
//! system's temporary directory), removed at the end. `--markdown PATH` also writes the
//! report as a markdown page.

#[path = "store_bench/machine.rs"]
mod machine;
#[path = "store_bench/memory.rs"]
mod memory;
#[path = "store_bench/parts.rs"]
mod parts;
#[path = "store_bench/report.rs"]
mod report;
#[path = "store_bench/workflows.rs"]
mod workflows;

use durable_runtime::local::sqlite::Synchronous;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the fsync-rate loop runs.
const FSYNC_DURATION: Duration = Duration::from_secs(2);

/// The command line.
#[derive(Clone, Debug)]
struct Args {
    command: String,
    dir: Option<PathBuf>,
    steps: u32,
    workflows: u32,
    steps_each: u32,
    rounds: u32,
    suspended: u32,
    memory_sync: Synchronous,
    markdown: Option<PathBuf>,
}

const COMMANDS: [&str; 5] = ["all", "fsync", "sequential", "concurrent", "memory"];

const USAGE: &str = "usage: durable-store-bench [all|fsync|sequential|concurrent|memory] [--dir DIR] \
     [--steps N] [--workflows N] [--steps-each N] [--rounds N] [--suspended N] \
     [--memory-sync full|normal] [--markdown PATH]";

fn parse_args(raw: &[String]) -> Result<Args, String> {
    let mut args = Args {
        command: String::new(),
        dir: None,
        steps: 500,
        workflows: 100,
        steps_each: 50,
        rounds: 3,
        suspended: 10_000,
        memory_sync: Synchronous::Full,
        markdown: None,
    };
    let mut it = raw.iter();
    let count = |flag: &str, v: Option<&String>| -> Result<u32, String> {
        v.and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .ok_or(format!("{flag} takes a positive number"))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--dir" => args.dir = Some(it.next().ok_or("--dir DIR")?.into()),
            "--markdown" => args.markdown = Some(it.next().ok_or("--markdown PATH")?.into()),
            "--steps" => args.steps = count(a, it.next())?,
            "--workflows" => args.workflows = count(a, it.next())?,
            "--steps-each" => args.steps_each = count(a, it.next())?,
            "--rounds" => args.rounds = count(a, it.next())?,
            "--suspended" => args.suspended = count(a, it.next())?,
            "--memory-sync" => {
                args.memory_sync = match it.next().map(String::as_str) {
                    Some("full") => Synchronous::Full,
                    Some("normal") => Synchronous::Normal,
                    _ => return Err("--memory-sync full|normal".into()),
                }
            }
            "-h" | "--help" => return Err(USAGE.into()),
            c if !c.starts_with('-') && args.command.is_empty() => args.command = c.to_owned(),
            other => return Err(format!("unexpected argument {other}\n{USAGE}")),
        }
    }
    if args.command.is_empty() {
        args.command = "all".into();
    }
    if !COMMANDS.contains(&args.command.as_str()) && args.command != memory::CHILD_COMMAND {
        return Err(format!("unknown part {}\n{USAGE}", args.command));
    }
    Ok(args)
}

/// A fresh directory for the databases, removed (with everything in it) on drop.
struct WorkDir(PathBuf);

impl WorkDir {
    fn create(base: &Path) -> Result<Self, String> {
        if !base.is_dir() {
            return Err(format!("{} is not a directory", base.display()));
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = base.join(format!("durable-store-bench-{}-{nanos:x}", std::process::id()));
        std::fs::create_dir(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(WorkDir(path))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            eprintln!("durable-store-bench: cannot remove {}: {e}", self.0.display());
        }
    }
}

/// Runs the parts `args` asks for, printing each table as soon as it is measured.
async fn run(args: &Args, raw: &[String]) -> Result<(), String> {
    let base = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let work = WorkDir::create(&base)?;
    let machine = machine::Machine::probe(&work.0);
    let mut report = report::Report::new(machine, base, raw);
    println!("{}", report.machine_table().text());
    if report.machine.in_memory_filesystem() {
        eprintln!("warning: the benchmark directory is in memory; syncs never reach a disk (use --dir)");
    }
    if !report.machine.release {
        eprintln!("warning: a debug build; use cargo run --release");
    }
    let all = args.command == "all";
    if all || args.command == "fsync" {
        eprintln!(
            "fsync: appending 4 KiB and syncing for {} s ...",
            FSYNC_DURATION.as_secs()
        );
        report.fsync = Some(parts::fsync_rate(&work.0, FSYNC_DURATION)?);
        println!("{}", report.fsync_table().text());
    }
    if all || args.command == "sequential" {
        // FULL is the figure; OFF (no syncs at all) shows what the engine and store cost
        // without the disk.
        for sync in [Synchronous::Full, Synchronous::Off] {
            eprintln!(
                "sequential: one workflow of {} steps, synchronous={} ...",
                args.steps,
                memory::sync_name(sync)
            );
            report
                .sequential
                .push(parts::sequential(&work.0, args.steps, sync).await?);
        }
        println!("{}", report.sequential_table().text());
    }
    if all || args.command == "concurrent" {
        let mut runs = Vec::new();
        for round in 0..args.rounds {
            // Alternate which configuration goes first.
            let order: [usize; 2] = if round % 2 == 0 { [256, 1] } else { [1, 256] };
            for limit in order {
                eprintln!(
                    "concurrent: round {}/{}, {} workflows x {} steps, group commit limit {limit} ...",
                    round + 1,
                    args.rounds,
                    args.workflows,
                    args.steps_each
                );
                let path = work.0.join(format!("concurrent-{round}-{limit}.db"));
                let run = parts::concurrent(&path, args.workflows, args.steps_each, limit).await?;
                runs.push((round + 1, run));
            }
        }
        report.concurrent = runs;
        println!("{}", report.concurrent_table().text());
        println!("{}", report.concurrent_summary().text());
    }
    if all || args.command == "memory" {
        eprintln!(
            "memory: suspending {} executions in a child process ({}) ...",
            args.suspended,
            memory::sync_name(args.memory_sync)
        );
        report.memory = Some(memory::measure(&work.0, args.suspended, args.memory_sync)?);
        println!("{}", report.memory_table().text());
    }
    if let Some(path) = &args.markdown {
        std::fs::write(path, report.markdown())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// The hidden child of the memory part: prints its measurement as one JSON line.
async fn memory_child(args: &Args) -> Result<(), String> {
    let dir = args.dir.as_deref().ok_or("the memory child needs --dir")?;
    let result = memory::child(dir, args.suspended, args.memory_sync).await?;
    println!("{}", serde_json::to_string(&result).map_err(|e| e.to_string())?);
    Ok(())
}

fn main() {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&raw) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("durable-store-bench: {e}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("durable-store-bench: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    let outcome = runtime.block_on(async {
        if args.command == memory::CHILD_COMMAND {
            memory_child(&args).await
        } else {
            run(&args, &raw).await
        }
    });
    // The runtime (and every store in it) is gone before the exit code is decided.
    drop(runtime);
    if let Err(e) = outcome {
        eprintln!("durable-store-bench {}: {e}", args.command);
        std::process::exit(1);
    }
}
