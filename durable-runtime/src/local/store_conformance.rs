//! The conformance suite every [`Store`] must pass: what `create`, `get`, `update`, `submit`
//! and `list` promise, the errors they return, the atomicity of updates, the order of history
//! events,
//! and, for durable stores, that everything survives closing and reopening.
//!
//! It is public so that any store (the ones in this crate, or one of your own) is held to the
//! same contract:
//!
//! ```
//! use durable_runtime::local::{store_conformance, MemoryStore, Store};
//! use std::sync::Arc;
//!
//! store_conformance::run_all(&|| Arc::new(MemoryStore::new()) as Arc<dyn Store>)
//!     .unwrap_or_else(|failures| panic!("{failures}"));
//! ```
//!
//! Checks return their findings instead of panicking, and a run reports every failed check,
//! not just the first.

use super::store::{ExecutionRecord, ExecutionStatus, Store, StoreError};
use durable_core::wire::{
    Empty, EpochMillis, ErrorObject, Event, EventDetails, EventPayload, ExecutionStartedDetails, Operation,
    OperationStatus, OperationType, ResultDetails, StepDetails, StepSucceededDetails,
};
use std::fmt;
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Makes a fresh, empty store (for [`run_all`]), or reopens the same database (for
/// [`run_persistence`]).
pub type MakeStore<'a> = &'a dyn Fn() -> Arc<dyn Store>;

/// What a check returns: `Err` explains what went wrong.
pub type CheckResult = Result<(), String>;

/// One check of the suite.
#[derive(Clone, Copy)]
pub struct Check {
    /// Its name (what it expects, in words).
    pub name: &'static str,
    /// Runs it.
    pub run: fn(MakeStore<'_>) -> CheckResult,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A failed check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The check's name.
    pub check: &'static str,
    /// What went wrong.
    pub message: String,
}

/// Every failed check of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failures(pub Vec<Failure>);

impl fmt::Display for Failures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} store conformance check(s) failed:", self.0.len())?;
        for failure in &self.0 {
            write!(f, "\n- {}: {}", failure.check, failure.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Failures {}

/// The checks of [`run_all`]; each calls `make` for the fresh stores it needs.
pub const CHECKS: &[Check] = &[
    Check {
        name: "create_then_get_returns_the_record",
        run: create_then_get_returns_the_record,
    },
    Check {
        name: "get_returns_a_copy",
        run: get_returns_a_copy,
    },
    Check {
        name: "missing_executions_are_not_found",
        run: missing_executions_are_not_found,
    },
    Check {
        name: "duplicate_create_is_rejected_and_keeps_the_original",
        run: duplicate_create_is_rejected_and_keeps_the_original,
    },
    Check {
        name: "list_is_in_creation_order",
        run: list_is_in_creation_order,
    },
    Check {
        name: "update_keeps_every_field_the_closure_sets",
        run: update_keeps_every_field_the_closure_sets,
    },
    Check {
        name: "update_sees_the_previous_update",
        run: update_sees_the_previous_update,
    },
    Check {
        name: "operations_are_added_and_changed_in_place",
        run: operations_are_added_and_changed_in_place,
    },
    Check {
        name: "events_keep_their_append_order",
        run: events_keep_their_append_order,
    },
    Check {
        name: "arbitrary_edits_are_kept",
        run: arbitrary_edits_are_kept,
    },
    Check {
        name: "an_update_that_changes_nothing_keeps_the_record",
        run: an_update_that_changes_nothing_keeps_the_record,
    },
    Check {
        name: "executions_are_independent",
        run: executions_are_independent,
    },
    Check {
        name: "large_and_unusual_payloads_round_trip",
        run: large_and_unusual_payloads_round_trip,
    },
    Check {
        name: "update_is_atomic_for_readers",
        run: update_is_atomic_for_readers,
    },
    Check {
        name: "concurrent_updates_are_not_lost",
        run: concurrent_updates_are_not_lost,
    },
    Check {
        name: "submitted_updates_apply_in_order",
        run: submitted_updates_apply_in_order,
    },
    Check {
        name: "submitted_and_direct_updates_do_not_overwrite_each_other",
        run: submitted_and_direct_updates_do_not_overwrite_each_other,
    },
];

/// The checks of [`run_persistence`]; `make` reopens the same database.
pub const PERSISTENCE_CHECKS: &[Check] = &[Check {
    name: "records_survive_reopening",
    run: records_survive_reopening,
}];

/// Runs [`CHECKS`]; `make` must return a fresh, empty store on every call. Call it outside
/// an async runtime: the checks of [`Store::submit`] wait on a runtime of their own.
pub fn run_all(make: MakeStore<'_>) -> Result<(), Failures> {
    run(CHECKS, make)
}

/// Runs [`PERSISTENCE_CHECKS`] for a durable store: `open` must open the same database on
/// every call, empty on the first. The checks drop every handle to a store before they open
/// it again.
pub fn run_persistence(open: MakeStore<'_>) -> Result<(), Failures> {
    run(PERSISTENCE_CHECKS, open)
}

fn run(checks: &[Check], make: MakeStore<'_>) -> Result<(), Failures> {
    let failures: Vec<Failure> = checks
        .iter()
        .filter_map(|check| {
            (check.run)(make).err().map(|message| Failure {
                check: check.name,
                message,
            })
        })
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Failures(failures))
    }
}

macro_rules! ensure {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err(format!($($arg)+));
        }
    };
}

/// `result`, with a store error explained.
fn ok<T>(result: Result<T, StoreError>, doing: &str) -> Result<T, String> {
    result.map_err(|e| format!("{doing} failed: {e}"))
}

/// A fresh running execution with its `EXECUTION` operation and `ExecutionStarted` event,
/// built through serde so that fields added to the record later take their defaults.
pub fn sample_record(arn: &str) -> Result<ExecutionRecord, String> {
    let input = "{\"order\":42}";
    let value = serde_json::json!({
        "arn": arn,
        "workflow": "conformance",
        "status": "RUNNING",
        "input": input,
        "result": null,
        "error": null,
        "start": 1_767_225_600_123_i64,
        "end": null,
        "operations": [],
        "events": [],
        "token": null,
        "token_seq": 0,
        "dirty": [],
        "invocations": 0,
        "failed_invocations": 0,
    });
    let mut record: ExecutionRecord =
        serde_json::from_value(value).map_err(|e| format!("cannot build a sample record: {e}"))?;
    let exec_id = arn.rsplit('/').next().unwrap_or(arn).to_owned();
    let mut op = Operation::new(
        exec_id.clone(),
        OperationType::Execution,
        OperationStatus::Started,
    );
    op.name = Some("conformance".into());
    op.start_timestamp = Some(record.start);
    op.execution_details = Some(durable_core::wire::ExecutionDetails {
        input_payload: Some(input.into()),
    });
    record.operations.push(Arc::new(op));
    push_event(
        &mut record,
        Some(&exec_id),
        EventDetails::ExecutionStarted(ExecutionStartedDetails {
            input: EventPayload::full(Some(input.into())),
            execution_timeout: None,
        }),
    );
    Ok(record)
}

/// Appends an event with the next `EventId`.
fn push_event(record: &mut ExecutionRecord, op: Option<&str>, details: EventDetails) {
    let event_id = record.events.len() as u64 + 1;
    record.events.push(Arc::new(Event {
        event_type: details.event_type().into(),
        sub_type: None,
        event_id,
        id: op.map(str::to_owned).map(Into::into),
        name: Some(format!("event-{event_id}").into()),
        parent_id: None,
        // Distinct, millisecond-precise timestamps.
        event_timestamp: EpochMillis(record.start.0 + event_id as i64 * 1_001),
        details,
    }));
}

/// Starts step `id` (operation and event).
fn start_step(record: &mut ExecutionRecord, id: &str) {
    let mut op = Operation::new(id, OperationType::Step, OperationStatus::Started);
    op.name = Some(format!("step {id}").into());
    op.sub_type = Some("Step".into());
    op.start_timestamp = Some(EpochMillis(record.start.0 + 5));
    record.operations.push(Arc::new(op));
    push_event(record, Some(id), EventDetails::StepStarted(Empty {}));
}

/// Succeeds step `id` with `result`.
fn succeed_step(record: &mut ExecutionRecord, id: &str, result: &str) {
    if let Some(op) = record
        .operations
        .iter_mut()
        .find(|o| &*o.id == id)
        .map(Arc::make_mut)
    {
        op.status = OperationStatus::Succeeded;
        op.end_timestamp = Some(EpochMillis(record.start.0 + 9));
        op.step_details = Some(StepDetails {
            attempt: 1,
            next_attempt_timestamp: None,
            result: Some(result.into()),
            error: None,
        });
    }
    push_event(
        record,
        Some(id),
        EventDetails::StepSucceeded(StepSucceededDetails {
            result: EventPayload::full(Some(result.into())),
            retry_details: None,
        }),
    );
}

/// Explains how two records differ, field by field.
fn difference(got: &ExecutionRecord, want: &ExecutionRecord) -> String {
    let (Ok(serde_json::Value::Object(g)), Ok(serde_json::Value::Object(w))) =
        (serde_json::to_value(got), serde_json::to_value(want))
    else {
        return format!("got {got:?}, want {want:?}");
    };
    let mut out = Vec::new();
    for (key, want_value) in &w {
        let got_value = g.get(key).unwrap_or(&serde_json::Value::Null);
        if got_value == want_value {
            continue;
        }
        let mut line = format!("`{key}` differs");
        if let (Some(ga), Some(wa)) = (got_value.as_array(), want_value.as_array()) {
            let at = ga.iter().zip(wa).take_while(|(a, b)| a == b).count();
            line.push_str(&format!(
                " (lengths {} vs {} expected; first difference at index {at}: got {}, want {})",
                ga.len(),
                wa.len(),
                ga.get(at).map_or("nothing".into(), short),
                wa.get(at).map_or("nothing".into(), short),
            ));
        } else {
            line.push_str(&format!(": got {}, want {}", short(got_value), short(want_value)));
        }
        out.push(line);
    }
    if out.is_empty() {
        // Equal as JSON but not as values (e.g. a field skipped by serde).
        out.push(format!("got {got:?}, want {want:?}"));
    }
    out.join("; ")
}

fn short(v: &serde_json::Value) -> String {
    let mut s = v.to_string();
    if s.len() > 300 {
        let mut cut = 300;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

fn same(what: &str, got: &ExecutionRecord, want: &ExecutionRecord) -> CheckResult {
    ensure!(got == want, "{what}: {}", difference(got, want));
    Ok(())
}

fn arn(n: usize) -> String {
    format!("arn:aws:lambda:local:000000000000:function:conformance:$LATEST/durable-execution/exec-{n}/inv-{n:04}")
}

fn create_then_get_returns_the_record(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    let got = ok(store.get(&record.arn), "get")?;
    same("get after create", &got, &record)
}

fn get_returns_a_copy(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    let mut copy = ok(store.get(&record.arn), "get")?;
    copy.status = ExecutionStatus::Failed;
    copy.operations.clear();
    copy.events.clear();
    let again = ok(store.get(&record.arn), "second get")?;
    same(
        "changing a copy from get must not change the store",
        &again,
        &record,
    )
}

fn missing_executions_are_not_found(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let missing = arn(404);
    match store.get(&missing) {
        Err(StoreError::NotFound(a)) => ensure!(a == missing, "NotFound names `{a}`, not `{missing}`"),
        other => {
            return Err(format!(
                "get of a missing execution: want NotFound, got {other:?}"
            ))
        }
    }
    let mut called = false;
    match store.update(&missing, &mut |_| called = true) {
        Err(StoreError::NotFound(a)) => ensure!(a == missing, "NotFound names `{a}`, not `{missing}`"),
        other => {
            return Err(format!(
                "update of a missing execution: want NotFound, got {other:?}"
            ))
        }
    }
    ensure!(!called, "update called the closure for a missing execution");
    ensure!(
        ok(store.list(), "list")?.is_empty(),
        "list of an empty store is not empty"
    );
    Ok(())
}

fn duplicate_create_is_rejected_and_keeps_the_original(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    let mut other = record.clone();
    other.workflow = "impostor".into();
    other.input = Some("{}".into());
    match store.create(other) {
        Err(StoreError::AlreadyExists(a)) => ensure!(a == record.arn, "AlreadyExists names `{a}`"),
        other => return Err(format!("second create: want AlreadyExists, got {other:?}")),
    }
    same(
        "after a rejected create",
        &ok(store.get(&record.arn), "get")?,
        &record,
    )?;
    let list = ok(store.list(), "list")?;
    ensure!(
        list == vec![record.arn.clone()],
        "list after a rejected create: {list:?}"
    );
    Ok(())
}

fn list_is_in_creation_order(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    ensure!(
        ok(store.list(), "list")?.is_empty(),
        "a fresh store lists executions"
    );
    // Neither sorted nor reverse-sorted.
    let order: Vec<String> = [7, 3, 9, 1, 8, 2, 6, 4, 5, 0].iter().map(|n| arn(*n)).collect();
    for a in &order {
        ok(store.create(sample_record(a)?), "create")?;
    }
    ensure!(
        ok(store.list(), "list")? == order,
        "list is not in creation order"
    );
    ok(store.update(&order[4], &mut |r| r.invocations += 1), "update")?;
    ensure!(
        ok(store.list(), "list")? == order,
        "an update changed the order of list"
    );
    Ok(())
}

/// Changes every field the service changes.
fn change_everything(r: &mut ExecutionRecord) {
    r.status = ExecutionStatus::Succeeded;
    r.result = Some("{\"shipped\":true}".into());
    r.error = Some(ErrorObject::new("Oops", "not really").with_data("{\"k\":1}"));
    r.end = Some(EpochMillis(r.start.0 + 86_400_007));
    r.token = Some(format!("{}:1:00ff", r.arn));
    r.token_seq = u64::MAX / 3;
    r.dirty = vec!["a".into(), "b".into()];
    r.invocations = 7;
    r.failed_invocations = 2;
    r.workflow = "renamed".into();
    r.input = Some("[1,2,3]".into());
    if let Some(op) = r.operations.first_mut().map(Arc::make_mut) {
        op.status = OperationStatus::Succeeded;
        op.end_timestamp = r.end;
    }
    push_event(
        r,
        None,
        EventDetails::ExecutionSucceeded(ResultDetails {
            result: EventPayload::full(r.result.clone()),
        }),
    );
}

fn update_keeps_every_field_the_closure_sets(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    let mut want = record.clone();
    change_everything(&mut want);
    ok(store.update(&record.arn, &mut change_everything), "update")?;
    same("after update", &ok(store.get(&record.arn), "get")?, &want)?;
    // And back: fields can be cleared again.
    let mut clear = |r: &mut ExecutionRecord| {
        r.status = ExecutionStatus::Running;
        r.result = None;
        r.error = None;
        r.end = None;
        r.token = None;
        r.dirty.clear();
        r.input = None;
    };
    clear(&mut want);
    ok(store.update(&record.arn, &mut clear), "second update")?;
    same(
        "after clearing fields",
        &ok(store.get(&record.arn), "get")?,
        &want,
    )
}

fn update_sees_the_previous_update(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    for i in 0..5u32 {
        let mut seen = None;
        ok(
            store.update(&record.arn, &mut |r| {
                seen = Some(r.invocations);
                r.invocations += 1;
            }),
            "update",
        )?;
        ensure!(seen == Some(i), "update {i} saw invocations = {seen:?}");
    }
    Ok(())
}

fn operations_are_added_and_changed_in_place(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    let mut want = record.clone();
    let mut add = |r: &mut ExecutionRecord| {
        for id in ["s1", "s2", "s3", "s4"] {
            start_step(r, id);
        }
    };
    add(&mut want);
    ok(store.update(&record.arn, &mut add), "adding operations")?;
    let mut change = |r: &mut ExecutionRecord| {
        succeed_step(r, "s2", "\"two\"");
        start_step(r, "s5");
        succeed_step(r, "s5", "5");
    };
    change(&mut want);
    ok(store.update(&record.arn, &mut change), "changing operations")?;
    let got = ok(store.get(&record.arn), "get")?;
    same("after adding and changing operations", &got, &want)?;
    let ids: Vec<&str> = got.operations.iter().skip(1).map(|o| &*o.id).collect();
    ensure!(
        ids == ["s1", "s2", "s3", "s4", "s5"],
        "operations out of creation order: {ids:?}"
    );
    Ok(())
}

fn events_keep_their_append_order(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    let mut want = record.clone();
    for i in 0..40usize {
        let mut step = |r: &mut ExecutionRecord| {
            let id = format!("op{i}");
            start_step(r, &id);
            if i % 3 != 0 {
                succeed_step(r, &id, &i.to_string());
            }
        };
        step(&mut want);
        ok(store.update(&record.arn, &mut step), "update")?;
    }
    let got = ok(store.get(&record.arn), "get")?;
    same("after 40 updates appending events", &got, &want)?;
    let ids: Vec<u64> = got.events.iter().map(|e| e.event_id).collect();
    let dense: Vec<u64> = (1..=got.events.len() as u64).collect();
    ensure!(ids == dense, "event ids are not dense and ordered: {ids:?}");
    Ok(())
}

fn arbitrary_edits_are_kept(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    let mut want = record.clone();
    let mut grow = |r: &mut ExecutionRecord| {
        for id in ["a", "b", "c"] {
            start_step(r, id);
            succeed_step(r, id, "1");
        }
    };
    grow(&mut want);
    ok(store.update(&record.arn, &mut grow), "update")?;
    // Not what the service does, but a store keeps whatever the closure leaves.
    let mut edit = |r: &mut ExecutionRecord| {
        r.operations.pop();
        if r.operations.len() > 2 {
            r.operations.swap(1, 2);
        }
        r.events.truncate(3);
        if let Some(e) = r.events.get_mut(1).map(Arc::make_mut) {
            e.name = Some("renamed".into());
        }
        push_event(r, None, EventDetails::StepStarted(Empty {}));
    };
    edit(&mut want);
    ok(store.update(&record.arn, &mut edit), "update")?;
    same(
        "after removing and editing",
        &ok(store.get(&record.arn), "get")?,
        &want,
    )
}

fn an_update_that_changes_nothing_keeps_the_record(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    ok(store.update(&record.arn, &mut |_| {}), "empty update")?;
    same(
        "after an empty update",
        &ok(store.get(&record.arn), "get")?,
        &record,
    )?;
    ok(
        store.update(&record.arn, &mut |r| r.status = ExecutionStatus::Running),
        "update to the same value",
    )?;
    same(
        "after a same-value update",
        &ok(store.get(&record.arn), "get")?,
        &record,
    )
}

fn executions_are_independent(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let a = sample_record(&arn(1))?;
    let b = sample_record(&arn(2))?;
    ok(store.create(a.clone()), "create a")?;
    ok(store.create(b.clone()), "create b")?;
    ok(store.update(&a.arn, &mut change_everything), "update a")?;
    same("b after updating a", &ok(store.get(&b.arn), "get b")?, &b)
}

fn large_and_unusual_payloads_round_trip(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let mut record = sample_record(&arn(1))?;
    // A megabyte of JSON with escapes, NUL, non-BMP characters and SQL quoting hazards.
    let unit = "{\"k\":\"é—😀\\u0000'; DROP TABLE executions; --\\\"\"}";
    let big = format!("[{}]", vec![unit; 1 << 20 >> 5].join(","));
    record.input = Some(big.clone());
    record.workflow = "wörkflöw 工作流 \u{0}".into();
    ok(store.create(record.clone()), "create")?;
    let mut want = record.clone();
    let mut update = |r: &mut ExecutionRecord| {
        start_step(r, "big");
        succeed_step(r, "big", &big[..200_000]);
        r.result = Some(big.clone());
        r.error = Some(ErrorObject::new("Fehler ✗", "nachricht\nzeile 2\t\u{0}"));
    };
    update(&mut want);
    ok(store.update(&record.arn, &mut update), "update")?;
    same(
        "after large and unusual payloads",
        &ok(store.get(&record.arn), "get")?,
        &want,
    )
}

fn update_is_atomic_for_readers(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    let (halfway, reached) = mpsc::channel::<()>();
    let reader_store = store.clone();
    let arn = record.arn.clone();
    let reader = std::thread::spawn(move || {
        // Read while the closure is half done (a blocking store answers once it is done).
        reached
            .recv()
            .map_err(|_| "the update never reached its middle".to_owned())?;
        reader_store
            .get(&arn)
            .map_err(|e| format!("get during update failed: {e}"))
    });
    let update = store.update(&record.arn, &mut |r| {
        r.invocations = 1;
        start_step(r, "first");
        let _ = halfway.send(());
        std::thread::sleep(Duration::from_millis(50));
        r.failed_invocations = 1;
        start_step(r, "second");
    });
    // Unblocks the reader if the closure never ran.
    drop(halfway);
    let seen = reader
        .join()
        .map_err(|_| "the reader thread panicked".to_owned())??;
    ok(update, "update")?;
    let old = seen.invocations == 0 && seen.failed_invocations == 0 && seen == record;
    let new = seen.invocations == 1 && seen.failed_invocations == 1 && seen.operations.len() == 3;
    ensure!(
        old || new,
        "a reader saw an update half applied: invocations {}, failed {}, {} operations",
        seen.invocations,
        seen.failed_invocations,
        seen.operations.len()
    );
    Ok(())
}

/// How one thread of [`updated_from_threads`] applies its update number `i`: one more
/// invocation and a new step `id`.
type ApplyFrom = fn(&dyn Store, &str, u32, String) -> Result<(), String>;

/// Four threads apply 25 updates each to one new execution with `apply`; checks that none
/// was lost (every increment counted, every step appended, event ids dense).
fn updated_from_threads(make: MakeStore<'_>, what: &str, apply: ApplyFrom) -> CheckResult {
    const THREADS: u32 = 4;
    const EACH: u32 = 25;
    let store = make();
    let record = sample_record(&arn(1))?;
    ok(store.create(record.clone()), "create")?;
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            let arn = record.arn.clone();
            std::thread::spawn(move || -> Result<(), String> {
                for i in 0..EACH {
                    apply(&*store, &arn, t + i, format!("t{t}-{i}"))?;
                }
                Ok(())
            })
        })
        .collect();
    for t in threads {
        t.join().map_err(|_| "an updating thread panicked".to_owned())??;
    }
    let got = ok(store.get(&record.arn), "get")?;
    let n = (THREADS * EACH) as usize;
    ensure!(
        got.invocations as usize == n,
        "{n} {what} increments left invocations at {}",
        got.invocations
    );
    ensure!(
        got.operations.len() == n + 1,
        "{n} {what} appends left {} operations",
        got.operations.len().saturating_sub(1)
    );
    let ids: Vec<u64> = got.events.iter().map(|e| e.event_id).collect();
    let dense: Vec<u64> = (1..=n as u64 + 1).collect();
    ensure!(
        ids == dense,
        "event ids after {what} appends are not dense: {ids:?}"
    );
    Ok(())
}

fn concurrent_updates_are_not_lost(make: MakeStore<'_>) -> CheckResult {
    updated_from_threads(make, "concurrent", |store, arn, _, id| {
        store
            .update(arn, &mut |r| {
                r.invocations += 1;
                start_step(r, &id);
            })
            .map_err(|e| format!("update failed: {e}"))
    })
}

/// Waits for a [`Store::submit`] future on a runtime of its own (the suite is synchronous).
fn wait<T>(future: impl std::future::Future<Output = T>) -> Result<T, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    Ok(runtime.block_on(future))
}

fn submitted_updates_apply_in_order(make: MakeStore<'_>) -> CheckResult {
    let store = make();
    let (a, b) = (sample_record(&arn(1))?, sample_record(&arn(2))?);
    ok(store.create(a.clone()), "create")?;
    ok(store.create(b.clone()), "create")?;
    // All submitted before any is awaited: a store may commit them together.
    let pending: Vec<_> = (0..6)
        .map(|i| {
            let target = if i % 2 == 0 { &a.arn } else { &b.arn };
            store.submit(
                target,
                Box::new(move |r: &mut ExecutionRecord| {
                    r.invocations = r.invocations * 10 + i;
                    start_step(r, &format!("s{i}"));
                }),
            )
        })
        .collect();
    let missing = store.submit(&arn(99), Box::new(|r| r.invocations = 1));
    let results = wait(async {
        let mut results = Vec::new();
        for p in pending {
            results.push(p.await);
        }
        (results, missing.await)
    })?;
    for (i, result) in results.0.into_iter().enumerate() {
        ok(result, &format!("submitted update {i}"))?;
    }
    ensure!(
        matches!(results.1, Err(StoreError::NotFound(_))),
        "a submitted update of a missing execution returned {:?}",
        results.1
    );
    for (record, want, ids) in [(&a, 24, ["s0", "s2", "s4"]), (&b, 135, ["s1", "s3", "s5"])] {
        let got = ok(store.get(&record.arn), "get")?;
        ensure!(
            got.invocations == want,
            "updates of {} applied out of order or lost: invocations = {}, want {want}",
            record.arn,
            got.invocations
        );
        let added: Vec<&str> = got.operations.iter().skip(1).map(|o| &*o.id).collect();
        ensure!(
            added == ids,
            "{} has operations {added:?}, want {ids:?}",
            record.arn
        );
    }
    Ok(())
}

fn submitted_and_direct_updates_do_not_overwrite_each_other(make: MakeStore<'_>) -> CheckResult {
    updated_from_threads(make, "mixed (update and submit)", |store, arn, n, id| {
        let result = if n % 2 == 0 {
            store.update(arn, &mut |r| {
                r.invocations += 1;
                start_step(r, &id);
            })
        } else {
            wait(store.submit(
                arn,
                Box::new(move |r| {
                    r.invocations += 1;
                    start_step(r, &id);
                }),
            ))?
        };
        result.map_err(|e| format!("update failed: {e}"))
    })
}

fn records_survive_reopening(open: MakeStore<'_>) -> CheckResult {
    let store = open();
    ensure!(
        ok(store.list(), "list")?.is_empty(),
        "the first open must give an empty database"
    );
    let mut arns = Vec::new();
    for n in [3, 1, 2] {
        let record = sample_record(&arn(n))?;
        arns.push(record.arn.clone());
        ok(store.create(record), "create")?;
    }
    ok(store.update(&arns[0], &mut change_everything), "update")?;
    for i in 0..10 {
        ok(
            store.update(&arns[1], &mut |r| {
                let id = format!("s{i}");
                start_step(r, &id);
                succeed_step(r, &id, &format!("{{\"i\":{i}}}"));
                r.token_seq += 1;
            }),
            "update",
        )?;
    }
    ok(
        store.update(&arns[1], &mut |r| {
            if r.operations.len() > 3 {
                r.operations.swap(2, 3);
            }
            r.events.truncate(12);
        }),
        "edit",
    )?;
    let snapshot = |store: &Arc<dyn Store>| -> Result<Vec<ExecutionRecord>, String> {
        arns.iter().map(|a| ok(store.get(a), "get")).collect()
    };
    let before = snapshot(&store)?;
    drop(store);
    let store = open();
    ensure!(
        ok(store.list(), "list after reopening")? == arns,
        "list after reopening is not the list before"
    );
    for (want, arn) in before.iter().zip(&arns) {
        same(
            "after reopening",
            &ok(store.get(arn), "get after reopening")?,
            want,
        )?;
    }
    // Updates after reopening build on the stored state, and survive another reopening.
    ok(
        store.update(&arns[2], &mut change_everything),
        "update after reopening",
    )?;
    ok(
        store.update(&arns[1], &mut |r| start_step(r, "late")),
        "update after reopening",
    )?;
    let again = snapshot(&store)?;
    drop(store);
    let store = open();
    for (want, arn) in again.iter().zip(&arns) {
        same("after a second reopening", &ok(store.get(arn), "get")?, want)?;
    }
    Ok(())
}
