//! Memory per suspended execution, measured in a child process (this binary, run with the
//! hidden subcommand [`CHILD_COMMAND`]) so the baseline holds nothing the other parts left
//! behind.

use super::machine::status_kib;
use super::parts;
use super::workflows::{self, SuspendInput};
use durable_runtime::local::sqlite::{SqliteOptions, Synchronous};
use durable_runtime::local::worker::Worker;
use durable_runtime::local::LocalEngine;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

/// The hidden subcommand that runs the measurement in a child process.
pub const CHILD_COMMAND: &str = "__memory-child";

/// Invocations the worker runs at once while suspending the executions.
const MAX_CONCURRENCY: usize = 256;

/// What the child measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MemoryResult {
    /// Executions suspended (and checked).
    pub suspended: u32,
    /// `PRAGMA synchronous` of the store: `FULL` or `NORMAL`.
    pub synchronous: String,
    /// Resident set after opening the store, registering the workflows and creating the
    /// worker, before any execution exists (kB).
    pub rss_before_kib: u64,
    /// Resident set once the first half of the executions was suspended (kB).
    pub rss_half_kib: u64,
    /// Resident set once all were suspended, the worker still holding them (kB).
    pub rss_after_kib: u64,
    /// Peak resident set of the child (kB).
    pub peak_kib: u64,
    /// Time spent in `start_execution` (one transaction each), in seconds.
    pub start_secs: f64,
    /// Time the worker took to run every execution until it suspended, in seconds.
    pub run_secs: f64,
    /// Size of the database file (bytes).
    pub db_bytes: u64,
    /// Size of its write-ahead log (bytes).
    pub wal_bytes: u64,
    /// Write transactions the store committed in all.
    pub transactions: u64,
    /// Updates they carried.
    pub updates: u64,
}

impl MemoryResult {
    /// Resident set growth per suspended execution, in KiB.
    pub fn kib_per_execution(&self) -> f64 {
        self.rss_after_kib.saturating_sub(self.rss_before_kib) as f64 / f64::from(self.suspended.max(1))
    }

    /// Growth per execution over the second half only (one-time costs excluded), in KiB.
    pub fn marginal_kib_per_execution(&self) -> f64 {
        let second = self.suspended - self.suspended / 2;
        self.rss_after_kib.saturating_sub(self.rss_half_kib) as f64 / f64::from(second.max(1))
    }

    /// Bytes on disk (database and log) per execution.
    pub fn disk_bytes_per_execution(&self) -> f64 {
        (self.db_bytes + self.wal_bytes) as f64 / f64::from(self.suspended.max(1))
    }
}

/// The spelling of `s` on the command line and in reports.
pub fn sync_name(s: Synchronous) -> &'static str {
    match s {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
        Synchronous::Off => "OFF",
    }
}

/// Runs the measurement in a child process of this binary, its database in `dir`.
pub fn measure(dir: &Path, suspended: u32, sync: Synchronous) -> Result<MemoryResult, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let output = Command::new(&exe)
        .arg(CHILD_COMMAND)
        .arg("--dir")
        .arg(dir)
        .arg("--suspended")
        .arg(suspended.to_string())
        .arg("--memory-sync")
        .arg(sync_name(sync).to_ascii_lowercase())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("the memory child failed ({}): {stdout}", output.status));
    }
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| format!("the memory child printed no result: {stdout}"))?;
    let result: MemoryResult =
        serde_json::from_str(line).map_err(|e| format!("the memory child's result {line}: {e}"))?;
    if result.suspended != suspended {
        return Err(format!(
            "the memory child suspended {} executions, not {suspended}",
            result.suspended
        ));
    }
    Ok(result)
}

/// The child's side: suspends `n` executions in a fresh database in `dir` and measures
/// the resident set before, half-way and after, the worker still alive.
pub async fn child(dir: &Path, n: u32, sync: Synchronous) -> Result<MemoryResult, String> {
    let rss = || status_kib("VmRSS").ok_or("cannot read VmRSS from /proc/self/status");
    let path = dir.join("memory.db");
    let options = SqliteOptions {
        synchronous: sync,
        ..SqliteOptions::default()
    };
    let store = parts::open_fresh(&path, &options)?;
    let engine = parts::engine(&store);
    let worker = parts::worker(&engine, MAX_CONCURRENCY);
    let rss_before_kib = rss()?;
    let half = n / 2;
    let (start_a, run_a) = suspend(&engine, &worker, 0..half).await?;
    let rss_half_kib = rss()?;
    let (start_b, run_b) = suspend(&engine, &worker, half..n).await?;
    let rss_after_kib = rss()?;
    let peak_kib = status_kib("VmHWM").ok_or("cannot read VmHWM")?;
    // Every execution is checked: a figure only counts if they are all truly suspended.
    let arns = engine.store().list().map_err(|e| e.to_string())?;
    if arns.len() != n as usize {
        return Err(format!("{} executions in the store, expected {n}", arns.len()));
    }
    for arn in &arns {
        let mut input = None;
        engine
            .store()
            .read(arn, &mut |r| {
                input = r
                    .input
                    .as_deref()
                    .and_then(|t| serde_json::from_str::<SuspendInput>(t).ok());
            })
            .map_err(|e| e.to_string())?;
        let input = input.ok_or_else(|| format!("{arn}: no readable input"))?;
        workflows::check_suspended(&**engine.store(), arn, input)?;
    }
    let size = |suffix: &str| {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        std::fs::metadata(&p).map_or(0, |m| m.len())
    };
    let stats = store.stats();
    Ok(MemoryResult {
        suspended: n,
        synchronous: sync_name(sync).to_owned(),
        rss_before_kib,
        rss_half_kib,
        rss_after_kib,
        peak_kib,
        start_secs: start_a + start_b,
        run_secs: run_a + run_b,
        db_bytes: size(""),
        wal_bytes: size("-wal"),
        transactions: stats.transactions,
        updates: stats.updates,
    })
}

/// Starts executions `ids` and lets the worker run them until each one suspends on its
/// callback; returns the time spent starting and running, in seconds.
async fn suspend(
    engine: &Arc<LocalEngine>,
    worker: &Worker,
    ids: std::ops::Range<u32>,
) -> Result<(f64, f64), String> {
    let t0 = Instant::now();
    for id in ids {
        let input = serde_json::to_string(&SuspendInput { id: u64::from(id) }).map_err(|e| e.to_string())?;
        engine
            .start_execution(workflows::SUSPEND, Some(&input))
            .map_err(|e| e.to_string())?;
    }
    let start = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    // The callbacks have no timeout, so no timer is pending: the worker returns once every
    // execution has suspended (and it stays alive, holding them, for the caller).
    worker.run_until_idle().await.map_err(|e| e.to_string())?;
    Ok((start, t1.elapsed().as_secs_f64()))
}
