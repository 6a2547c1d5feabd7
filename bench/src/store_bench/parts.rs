//! The measured parts that run in this process: the disk's sync rate, one sequential
//! workflow, and many concurrent workflows with and without group commit. Each run opens a
//! fresh database file and checks every execution's result exactly.

use super::workflows::{self, StepsInput};
use durable_runtime::local::sqlite::{CommitStats, SqliteOptions, SqliteStore, Synchronous};
use durable_runtime::local::worker::{Worker, WorkerOptions};
use durable_runtime::local::{EngineOptions, LocalEngine, SystemClock};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many bytes each fsync-rate iteration appends.
pub const FSYNC_WRITE_BYTES: usize = 4096;

/// The disk's sync rate: 4 KiB appended, then `sync_data`, in a loop.
#[derive(Clone, Debug)]
pub struct FsyncResult {
    /// Syncs done.
    pub syncs: u64,
    /// Time they took, in seconds.
    pub secs: f64,
}

impl FsyncResult {
    /// Syncs per second.
    pub fn per_sec(&self) -> f64 {
        self.syncs as f64 / self.secs
    }

    /// Mean time of one append + sync, in ms.
    pub fn mean_ms(&self) -> f64 {
        self.secs * 1000.0 / self.syncs as f64
    }
}

/// Appends [`FSYNC_WRITE_BYTES`] to a file in `dir` and syncs it, over and over, for about
/// `duration`; removes the file afterwards.
pub fn fsync_rate(dir: &Path, duration: Duration) -> Result<FsyncResult, String> {
    let path = dir.join("fsync-probe.bin");
    let io = |what: &str, e: std::io::Error| format!("fsync probe {}: {what}: {e}", path.display());
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| io("open", e))?;
    let block = vec![0x5a_u8; FSYNC_WRITE_BYTES];
    let mut syncs = 0_u64;
    let t0 = Instant::now();
    while t0.elapsed() < duration || syncs == 0 {
        file.write_all(&block).map_err(|e| io("write", e))?;
        file.sync_data().map_err(|e| io("sync_data", e))?;
        syncs += 1;
    }
    let secs = t0.elapsed().as_secs_f64();
    let written = file.metadata().map_err(|e| io("stat", e))?.len();
    drop(file);
    std::fs::remove_file(&path).map_err(|e| io("remove", e))?;
    if written != syncs * FSYNC_WRITE_BYTES as u64 {
        return Err(format!(
            "fsync probe: the file holds {written} bytes after {syncs} appends of {FSYNC_WRITE_BYTES}"
        ));
    }
    Ok(FsyncResult { syncs, secs })
}

/// Opens a fresh database at `path` (which must not exist).
pub fn open_fresh(path: &Path, options: &SqliteOptions) -> Result<Arc<SqliteStore>, String> {
    if path.exists() {
        return Err(format!("{} exists already", path.display()));
    }
    SqliteStore::open_with(path, options)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

/// An engine over `store` (real time) with this benchmark's workflows registered.
pub fn engine(store: &Arc<SqliteStore>) -> Arc<LocalEngine> {
    let engine = LocalEngine::new(store.clone(), Arc::new(SystemClock), EngineOptions::default());
    engine.register_workflow(workflows::StoreSteps);
    engine.register_workflow(workflows::StoreSuspend);
    Arc::new(engine)
}

/// A worker running up to `max_concurrency` invocations at once. The poll interval is only
/// a fallback: the worker wakes as soon as an invocation ends.
pub fn worker(engine: &Arc<LocalEngine>, max_concurrency: usize) -> Worker {
    Worker::new(
        engine.clone(),
        WorkerOptions {
            max_concurrency,
            poll_interval: Duration::from_millis(50),
            retry_delay: Duration::from_secs(1),
        },
    )
}

/// Store commits between two [`SqliteStore::stats`] readings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Commits {
    /// Write transactions (each one sync of the WAL under `synchronous=FULL`).
    pub transactions: u64,
    /// Updates (and creations) they carried.
    pub updates: u64,
}

impl Commits {
    fn between(before: CommitStats, after: CommitStats) -> Self {
        Commits {
            transactions: after.transactions - before.transactions,
            updates: after.updates - before.updates,
        }
    }

    /// Mean updates per transaction.
    pub fn group_size(&self) -> f64 {
        self.updates as f64 / self.transactions.max(1) as f64
    }
}

/// One workflow of sequential steps, from `start_execution` to `SUCCEEDED`.
#[derive(Clone, Debug)]
pub struct SequentialResult {
    /// The store's `synchronous` setting.
    pub synchronous: Synchronous,
    /// Steps in the workflow.
    pub steps: u32,
    /// From `start_execution` until the worker saw it end, in seconds.
    pub secs: f64,
    /// What the store committed meanwhile (the creation included).
    pub commits: Commits,
}

impl SequentialResult {
    /// Steps per second.
    pub fn steps_per_sec(&self) -> f64 {
        f64::from(self.steps) / self.secs
    }
}

/// Runs one workflow of `steps` sequential steps on a fresh database in `dir` (`synchronous`,
/// default group commit) with one worker, and checks its result.
pub async fn sequential(
    dir: &Path,
    steps: u32,
    synchronous: Synchronous,
) -> Result<SequentialResult, String> {
    let path = dir.join(format!("sequential-{synchronous:?}.db"));
    let options = SqliteOptions {
        synchronous,
        ..SqliteOptions::default()
    };
    let store = open_fresh(&path, &options)?;
    let engine = engine(&store);
    let worker = worker(&engine, 1);
    let input = StepsInput { n: steps, base: 7 };
    let text = serde_json::to_string(&input).map_err(|e| e.to_string())?;
    let before = store.stats();
    let t0 = Instant::now();
    let arn = engine
        .start_execution(workflows::STEPS, Some(&text))
        .map_err(|e| e.to_string())?;
    worker.run_until_idle().await.map_err(|e| e.to_string())?;
    let secs = t0.elapsed().as_secs_f64();
    let commits = Commits::between(before, store.stats());
    workflows::check_steps(&**engine.store(), &arn, input)?;
    Ok(SequentialResult {
        synchronous,
        steps,
        secs,
        commits,
    })
}

/// Many workflows run at once by one worker.
#[derive(Clone, Debug)]
pub struct ConcurrentRun {
    /// The store's `group_commit_limit`.
    pub group_limit: usize,
    /// Workflows.
    pub workflows: u32,
    /// Steps in each.
    pub steps_each: u32,
    /// Time to start them all (one transaction each, before the worker runs), in seconds.
    pub start_secs: f64,
    /// From the worker's start until every execution ended, in seconds.
    pub run_secs: f64,
    /// What the store committed while the worker ran.
    pub commits: Commits,
}

impl ConcurrentRun {
    /// Steps per second while the worker ran.
    pub fn steps_per_sec(&self) -> f64 {
        f64::from(self.workflows) * f64::from(self.steps_each) / self.run_secs
    }
}

/// Starts `workflows` executions of `steps_each` steps on a fresh database `path` (`FULL`
/// sync, `group_limit`), runs them all with one worker allowed to run every one at once,
/// and checks every result.
pub async fn concurrent(
    path: &Path,
    workflows: u32,
    steps_each: u32,
    group_limit: usize,
) -> Result<ConcurrentRun, String> {
    let options = SqliteOptions {
        synchronous: Synchronous::Full,
        group_commit_limit: group_limit,
        ..SqliteOptions::default()
    };
    let store = open_fresh(path, &options)?;
    let engine = engine(&store);
    let worker = worker(&engine, workflows.max(1) as usize);
    let t0 = Instant::now();
    let mut started = Vec::with_capacity(workflows as usize);
    for k in 0..workflows {
        // A different base per workflow: a result landing in the wrong execution is caught.
        let input = StepsInput {
            n: steps_each,
            base: u64::from(k) * 1_000_000,
        };
        let text = serde_json::to_string(&input).map_err(|e| e.to_string())?;
        let arn = engine
            .start_execution(workflows::STEPS, Some(&text))
            .map_err(|e| e.to_string())?;
        started.push((arn, input));
    }
    let start_secs = t0.elapsed().as_secs_f64();
    let before = store.stats();
    let t1 = Instant::now();
    worker.run_until_idle().await.map_err(|e| e.to_string())?;
    let run_secs = t1.elapsed().as_secs_f64();
    let commits = Commits::between(before, store.stats());
    for (arn, input) in &started {
        workflows::check_steps(&**engine.store(), arn, *input)?;
    }
    Ok(ConcurrentRun {
        group_limit,
        workflows,
        steps_each,
        start_secs,
        run_secs,
        commits,
    })
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}
