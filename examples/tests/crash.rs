//! Crash safety of the embedded engine, through the real `durable` binary.
//!
//! A `durable worker` child process runs the `crash-mix` workload on a SQLite file and is
//! killed with SIGKILL (`Child::kill`) at least [`KILLS`] times, at random points a few
//! milliseconds to a few hundred milliseconds apart, and restarted at once; meanwhile the test
//! starts more executions and answers their callbacks with `durable callback succeed`. Then
//! the worker runs undisturbed until every execution ended, and the test proves:
//!
//! * every execution SUCCEEDED;
//! * every at-most-once step body ran at most once per attempt (the side-effect file);
//! * every checkpointed step result seen during the run is unchanged at the end, and is the
//!   one the execution returned;
//! * the history has dense `EventId`s `1..=n`, exactly one outcome per step, wait and
//!   callback (no event lost or duplicated), every `StepStarted` followed by an outcome of
//!   that step, and one `InvocationCompleted` per invocation.

use durable_runtime::wire::{Event, EventDetails};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_durable");

/// Kill points.
const KILLS: usize = 110;
/// Executions started at the beginning, and at most in all (more start during the run).
const FIRST_EXECUTIONS: usize = 6;
const MAX_EXECUTIONS: usize = 24;

fn temp_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("durable-{tag}-{}-{nanos:x}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn durable(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A `durable worker` child process, killed (SIGKILL) when dropped, so a failing test
/// leaves no worker behind.
struct WorkerProcess(Child);

impl WorkerProcess {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn_worker(db: &Path, log: &Path) -> WorkerProcess {
    let err = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    WorkerProcess(
        Command::new(BIN)
            .arg("--db")
            .arg(db)
            .arg("worker")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()
            .unwrap(),
    )
}

fn start(db: &Path, input: &str) -> String {
    let o = durable(db, &["start", "crash-mix", "--input", input]);
    assert!(o.status.success(), "start failed: {}", stderr(&o));
    stdout(&o).trim().to_owned()
}

/// Statuses by ARN, from `durable list`.
fn statuses(db: &Path) -> HashMap<String, String> {
    let o = durable(db, &["list"]);
    assert!(o.status.success(), "list failed: {}", stderr(&o));
    stdout(&o)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            Some((cols.last()?.to_string(), cols.first()?.to_string()))
        })
        .collect()
}

fn history(db: &Path, arn: &str) -> Vec<Event> {
    let o = durable(db, &["history", arn, "--json"]);
    assert!(o.status.success(), "history failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// What the test saw of the run.
#[derive(Default)]
struct Observer {
    /// First result seen of every (execution, step operation).
    results: HashMap<(String, String), String>,
    answered: HashSet<String>,
    violations: Vec<String>,
    answers: usize,
}

impl Observer {
    /// Snapshots step results and answers open callbacks.
    fn observe(&mut self, db: &Path, arns: &[String]) {
        for arn in arns {
            let events = history(db, arn);
            self.snapshot(arn, &events);
            let closed: HashSet<&str> = events
                .iter()
                .filter(|e| e.event_type.starts_with("Callback") && e.event_type != "CallbackStarted")
                .filter_map(|e| e.id.as_deref())
                .collect();
            for e in &events {
                let EventDetails::CallbackStarted(d) = &e.details else {
                    continue;
                };
                if closed.contains(e.id.as_deref().unwrap_or("")) || self.answered.contains(&d.callback_id) {
                    continue;
                }
                let result = format!("\"approved-{}\"", self.answers);
                let o = durable(db, &["callback", "succeed", &d.callback_id, "--result", &result]);
                match o.status.code() {
                    Some(0) => {
                        self.answered.insert(d.callback_id.clone());
                        self.answers += 1;
                    }
                    code => self.violations.push(format!(
                        "{arn}: answering callback failed ({code:?}): {}",
                        stderr(&o).trim()
                    )),
                }
            }
        }
    }

    fn snapshot(&mut self, arn: &str, events: &[Event]) {
        for e in events {
            let EventDetails::StepSucceeded(d) = &e.details else {
                continue;
            };
            let key = (arn.to_owned(), e.id.as_deref().unwrap_or_default().to_owned());
            let value = d.result.payload.clone().unwrap_or_default();
            match self.results.get(&key) {
                Some(old) if *old != value => self.violations.push(format!(
                    "{arn}: result of step {:?} changed from {old} to {value}",
                    e.name
                )),
                Some(_) => {}
                None => {
                    self.results.insert(key, value);
                }
            }
        }
    }
}

/// The invariants of one finished execution's history.
fn check_history(arn: &str, events: &[Event], invocations: usize, violations: &mut Vec<String>) {
    let mut v = |m: String| violations.push(format!("{arn}: {m}"));
    for (i, e) in events.iter().enumerate() {
        if e.event_id != i as u64 + 1 {
            v(format!(
                "event #{i} has EventId {} (expected {})",
                e.event_id,
                i + 1
            ));
        }
        if i > 0 && e.event_timestamp < events[i - 1].event_timestamp {
            v(format!("EventId {} goes back in time", e.event_id));
        }
    }
    let count = |t: &str| events.iter().filter(|e| e.event_type == t).count();
    for t in ["ExecutionStarted", "ExecutionSucceeded"] {
        if count(t) != 1 {
            v(format!("{} {t} events", count(t)));
        }
    }
    if events.first().map(|e| &*e.event_type) != Some("ExecutionStarted") {
        v("the history does not begin with ExecutionStarted".into());
    }
    if count("InvocationCompleted") != invocations {
        v(format!(
            "{} InvocationCompleted events for {invocations} invocations",
            count("InvocationCompleted")
        ));
    }
    // Per operation: the sequence of its events.
    let mut by_op: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
    for e in events {
        if let Some(id) = e.id.as_deref() {
            by_op.entry(id).or_default().push(e);
        }
    }
    for (id, evs) in by_op {
        let kinds: Vec<&str> = evs.iter().map(|e| &*e.event_type).collect();
        let name = evs[0].name.as_deref().unwrap_or_default().to_owned();
        let succeeded = kinds.iter().filter(|k| k.ends_with("Succeeded")).count();
        if succeeded != 1 {
            v(format!(
                "operation {id} ({name}): {succeeded} success events: {kinds:?}"
            ));
        }
        if kinds.last().is_none_or(|k| !k.ends_with("Succeeded")) {
            v(format!(
                "operation {id} ({name}) does not end with its success: {kinds:?}"
            ));
        }
        for (i, k) in kinds.iter().enumerate() {
            if *k == "StepStarted"
                && !matches!(kinds.get(i + 1), Some(&"StepSucceeded") | Some(&"StepFailed"))
            {
                v(format!(
                    "operation {id} ({name}): StepStarted not followed by its outcome: {kinds:?}"
                ));
            }
        }
        let started = kinds.iter().filter(|k| k.ends_with("Started")).count();
        let simple = ["Wait", "Callback", "Context", "ChainedInvoke"]
            .iter()
            .any(|p| kinds[0].starts_with(p));
        if simple && (started != 1 || kinds.len() != 2) {
            v(format!("operation {id} ({name}): {kinds:?}"));
        }
    }
}

#[test]
fn survives_sigkill_at_random_points() {
    let begun = Instant::now();
    let dir = temp_dir("crash");
    let db = dir.join("crash.db");
    let effects = dir.join("effects.log");
    let worker_log = dir.join("worker.log");
    let input = serde_json::json!({ "log": effects, "work_ms": 120 }).to_string();
    let mut arns: Vec<String> = (0..FIRST_EXECUTIONS).map(|_| start(&db, &input)).collect();
    let mut seen = Observer::default();

    let mut worker = spawn_worker(&db, &worker_log);
    let mut kills = 0;
    while kills < KILLS {
        // A few ms to a few hundred: mostly short, so kills land in every phase.
        let delay = if fastrand::u8(..4) == 0 {
            fastrand::u64(100..400)
        } else {
            fastrand::u64(3..120)
        };
        std::thread::sleep(Duration::from_millis(delay));
        worker.kill();
        kills += 1;
        worker = spawn_worker(&db, &worker_log);
        if kills % 5 == 0 && arns.len() < MAX_EXECUTIONS {
            arns.push(start(&db, &input));
        }
        if kills % 5 == 0 {
            // The parents and the executions their chained invokes started.
            let all: Vec<String> = statuses(&db).into_keys().collect();
            seen.observe(&db, &all);
        }
    }
    let killing = begun.elapsed();

    // Let the worker finish the work, undisturbed.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        seen.observe(&db, &arns);
        let statuses = statuses(&db);
        if arns
            .iter()
            .all(|a| statuses.get(a).is_some_and(|s| s != "RUNNING"))
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "executions still running 60 s after the last kill: {statuses:?}\nworker log:\n{}",
            std::fs::read_to_string(&worker_log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    worker.kill();

    // Every execution SUCCEEDED: the parents and the executions their invokes started.
    let statuses = statuses(&db);
    assert_eq!(statuses.len(), 2 * arns.len(), "{statuses:?}");
    let arns: Vec<String> = statuses.keys().cloned().collect();
    let mut violations = std::mem::take(&mut seen.violations);
    for arn in &arns {
        if statuses[arn] != "SUCCEEDED" {
            let o = durable(&db, &["show", arn]);
            violations.push(format!("{arn} ended {}:\n{}", statuses[arn], stdout(&o)));
        }
    }

    // No worker reported an error (refused to start, a store failure, a failed invocation).
    let log = std::fs::read_to_string(&worker_log).unwrap();
    for line in log.lines() {
        if line.starts_with("durable: ") || line.contains(" failed: ") {
            violations.push(format!("worker: {line}"));
        }
    }
    let worker_starts = log
        .lines()
        .filter(|l| l.contains("durable worker: running"))
        .count();

    // At most once per attempt, from the side-effect file.
    let text = std::fs::read_to_string(&effects).unwrap();
    let mut runs: HashMap<(String, String, u32), usize> = HashMap::new();
    for line in text.lines() {
        let mut parts = line.split(' ');
        let (arn, step, attempt) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        *runs
            .entry((arn.to_owned(), step.to_owned(), attempt.parse().unwrap()))
            .or_default() += 1;
    }
    let at_most_once = durable_examples::workflows::AT_MOST_ONCE_STEPS;
    let mut reruns_at_least_once = 0;
    for ((arn, step, attempt), n) in &runs {
        if at_most_once.contains(&step.as_str()) {
            if *n > 1 {
                violations.push(format!(
                    "{arn}: at-most-once step {step} attempt {attempt} ran {n} times"
                ));
            }
        } else {
            reruns_at_least_once += n - 1;
        }
    }
    let interrupted_attempts = runs.keys().filter(|(_, _, a)| *a > 1).count();

    // Results unchanged, histories whole.
    let mut total_events = 0;
    let mut total_invocations = 0;
    let mut lost_invocations = 0;
    for arn in &arns {
        let events = history(&db, arn);
        total_events += events.len();
        lost_invocations += events
            .iter()
            .filter(|e| matches!(&e.details, EventDetails::InvocationCompleted(d) if d.error.as_ref().and_then(|e| e.payload.as_ref()).and_then(|p| p.error_type.as_deref()) == Some("Runtime.WorkerLost")))
            .count();
        seen.snapshot(arn, &events);
        violations.append(&mut seen.violations);
        let show = stdout(&durable(&db, &["show", arn]));
        let invocations: usize = show
            .lines()
            .find_map(|l| l.strip_prefix("invocations"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no invocation count in:\n{show}"));
        total_invocations += invocations;
        check_history(arn, &events, invocations, &mut violations);
        // The execution returned the checkpointed results.
        let Some(EventDetails::ExecutionSucceeded(d)) = events
            .iter()
            .map(|e| &e.details)
            .find(|d| matches!(d, EventDetails::ExecutionSucceeded(_)))
        else {
            continue;
        };
        let output: serde_json::Value =
            serde_json::from_str(d.result.payload.as_deref().unwrap_or("null")).unwrap();
        for e in &events {
            let EventDetails::StepSucceeded(s) = &e.details else {
                continue;
            };
            let name = e.name.as_deref().unwrap_or_default().to_owned();
            let value: serde_json::Value =
                serde_json::from_str(s.result.payload.as_deref().unwrap_or("null")).unwrap();
            let returned = match name.strip_prefix("item-") {
                Some(i) => output["items"][i.parse::<usize>().unwrap()].clone(),
                // `crash-audit` returns its one step's result.
                None if output.is_string() => output.clone(),
                None => output[&name].clone(),
            };
            if returned != value {
                violations.push(format!(
                    "{arn}: step {name} checkpointed {value} but the execution returned {returned}"
                ));
            }
        }
    }

    eprintln!(
        "crash test: {kills} kill points in {:.1}s ({worker_starts} workers got to run), \
         {} executions (half started by chained invokes), {} invocations ({} cut short by a kill), \
         {} history events, \
         {} step results snapshotted, {} callbacks answered, {} side-effect runs ({} retried attempts, \
         {} at-least-once re-runs), {:.1}s in all",
        killing.as_secs_f64(),
        arns.len(),
        total_invocations,
        lost_invocations,
        total_events,
        seen.results.len(),
        seen.answers,
        text.lines().count(),
        interrupted_attempts,
        reruns_at_least_once,
        begun.elapsed().as_secs_f64(),
    );
    assert!(
        violations.is_empty(),
        "{} violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
    assert!(kills >= 100);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A torn or corrupt database is an error with the documented exit code, never a reset.
#[test]
fn corrupt_database_is_an_error_not_a_reset() {
    let dir = temp_dir("corrupt");
    let db = dir.join("torn.db");
    for _ in 0..3 {
        let o = durable(&db, &["start", "onboarding", "--input", "\"Ada\""]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = durable(&db, &["list"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).lines().count(), 4);
    let whole = std::fs::read(&db).unwrap();
    assert!(whole.len() > 8192, "the database has {} bytes", whole.len());

    // Torn: cut short in the middle of a page.
    std::fs::write(&db, &whole[..whole.len() / 2 + 100]).unwrap();
    let torn = std::fs::read(&db).unwrap();
    let o = durable(&db, &["list"]);
    assert_eq!(
        o.status.code(),
        Some(5),
        "stdout: {} stderr: {}",
        stdout(&o),
        stderr(&o)
    );
    let message = stderr(&o);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.starts_with("durable: "), "{message}");
    assert!(
        message.contains("corrupt") && message.contains("untouched"),
        "{message}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), torn, "the file was changed");
    // A worker refuses it too, and does not reset it.
    let o = durable(&db, &["start", "onboarding", "--input", "\"Bob\""]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert_eq!(std::fs::read(&db).unwrap(), torn, "the file was changed");

    // Not a database at all.
    let junk = dir.join("junk.db");
    std::fs::write(
        &junk,
        b"these are not the bytes of a SQLite database, not at all.",
    )
    .unwrap();
    let o = durable(&junk, &["list"]);
    assert_eq!(o.status.code(), Some(5));
    assert!(stderr(&o).contains("not a SQLite database"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
