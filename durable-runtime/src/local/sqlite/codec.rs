//! Between [`ExecutionRecord`]s and rows: loading a record, inserting a new one, and writing
//! only the difference between a record and its updated copy.

use crate::local::store::ExecutionRecord;
use durable_core::wire::{EpochMillis, Event, Operation};
use rusqlite::{params, Connection, Statement};
use serde_json::Value;
use std::sync::Arc;

/// Record fields that are stored in columns of their own; every other field of the record
/// goes to the `extra` JSON column.
const COLUMN_FIELDS: &[&str] = &[
    "arn",
    "workflow",
    "status",
    "input",
    "result",
    "error",
    "start",
    "end",
    "operations",
    "events",
    "token",
    "token_seq",
    "dirty",
    "invocations",
    "failed_invocations",
];

/// A failed read or write.
#[derive(Debug)]
pub(super) enum CodecError {
    /// SQLite failed.
    Sql(rusqlite::Error),
    /// The data does not fit (a stored row does not decode, a number is out of range, an
    /// update is not allowed).
    Data(String),
}

impl From<rusqlite::Error> for CodecError {
    fn from(e: rusqlite::Error) -> Self {
        CodecError::Sql(e)
    }
}

impl std::fmt::Display for CodecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodecError::Sql(e) => write!(f, "{e}"),
            CodecError::Data(m) => f.write_str(m),
        }
    }
}

fn data(what: &str, e: impl std::fmt::Display) -> CodecError {
    CodecError::Data(format!("{what}: {e}"))
}

/// One cached execution: its record, and what the database knows it by.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// Row id in `executions` (creation order).
    pub seq: i64,
    /// The row's `rev` as of the record.
    pub rev: i64,
    /// The `extra` column as of the record.
    pub extra: String,
    /// The record.
    pub record: ExecutionRecord,
}

/// The `extra` column of `record`: a JSON object of its fields without a column.
pub(super) fn extra_of(record: &mut ExecutionRecord) -> Result<String, CodecError> {
    // Leave the large fields out of the serialization; they have columns anyway.
    let operations = std::mem::take(&mut record.operations);
    let events = std::mem::take(&mut record.events);
    let input = record.input.take();
    let result = record.result.take();
    let value = serde_json::to_value(&*record);
    record.operations = operations;
    record.events = events;
    record.input = input;
    record.result = result;
    let Value::Object(mut map) = value.map_err(|e| data("cannot encode the record", e))? else {
        return Err(CodecError::Data(
            "a record does not encode as a JSON object".into(),
        ));
    };
    for field in COLUMN_FIELDS {
        map.remove(*field);
    }
    Ok(Value::Object(map).to_string())
}

fn to_i64(n: u64, what: &str) -> Result<i64, CodecError> {
    i64::try_from(n).map_err(|_| CodecError::Data(format!("{what} {n} is out of range")))
}

fn json<T: serde::Serialize>(value: &T, what: &str) -> Result<String, CodecError> {
    serde_json::to_string(value).map_err(|e| data(what, e))
}

/// When the operation's timer fires, if it has one running.
fn timer_of(op: &Operation) -> Option<i64> {
    crate::local::service::operation_timer(op).map(|t| t.0)
}

const INSERT_EXECUTION: &str = "INSERT INTO executions (arn, workflow, status, start_ms, end_ms, \
     token, token_seq, dirty, invocations, failed_invocations, extra, rev) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0)";

const UPDATE_EXECUTION: &str = "UPDATE executions SET workflow = ?2, status = ?3, start_ms = ?4, \
     end_ms = ?5, token = ?6, token_seq = ?7, dirty = ?8, invocations = ?9, \
     failed_invocations = ?10, extra = ?11, rev = rev + 1 WHERE seq = ?1";

const INSERT_PAYLOADS: &str =
    "INSERT INTO execution_payloads (execution, input, result, error) VALUES (?1, ?2, ?3, ?4)";

const UPDATE_PAYLOADS: &str =
    "UPDATE execution_payloads SET input = ?2, result = ?3, error = ?4 WHERE execution = ?1";

const UPSERT_OPERATION: &str = "INSERT INTO operations (execution, position, id, parent_id, name, \
     type, sub_type, status, timer_ms, callback_id, body) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
     ON CONFLICT (execution, position) DO UPDATE SET id = excluded.id, \
     parent_id = excluded.parent_id, name = excluded.name, type = excluded.type, \
     sub_type = excluded.sub_type, status = excluded.status, timer_ms = excluded.timer_ms, \
     callback_id = excluded.callback_id, body = excluded.body";

const INSERT_EVENT: &str = "INSERT INTO events (execution, position, event_id, event_type, \
     operation_id, timestamp_ms, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// The small fields of the `executions` row, bound as parameters 2..=11 after the key.
struct Header {
    status: &'static str,
    end: Option<i64>,
    token_seq: i64,
    dirty: String,
}

impl Header {
    fn of(record: &ExecutionRecord) -> Result<Self, CodecError> {
        Ok(Header {
            status: record.status.as_str(),
            end: record.end.map(|t| t.0),
            token_seq: to_i64(record.token_seq, "token_seq")?,
            dirty: json(&record.dirty, "dirty")?,
        })
    }
}

fn error_json(record: &ExecutionRecord) -> Result<Option<String>, CodecError> {
    record.error.as_ref().map(|e| json(e, "error")).transpose()
}

/// Runs one statement through the connection's statement cache: the same few statements run
/// for every checkpoint, and parsing them each time was a tenth of a write's cost.
fn execute(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// Inserts a new execution with all its rows; returns its `seq` and `extra`.
pub(super) fn insert(conn: &Connection, record: &mut ExecutionRecord) -> Result<(i64, String), CodecError> {
    let extra = extra_of(record)?;
    let h = Header::of(record)?;
    execute(
        conn,
        INSERT_EXECUTION,
        params![
            record.arn,
            record.workflow,
            h.status,
            record.start.0,
            h.end,
            record.token,
            h.token_seq,
            h.dirty,
            record.invocations,
            record.failed_invocations,
            extra,
        ],
    )?;
    let seq = conn.last_insert_rowid();
    execute(
        conn,
        INSERT_PAYLOADS,
        params![seq, record.input, record.result, error_json(record)?],
    )?;
    let mut ops = conn.prepare_cached(UPSERT_OPERATION)?;
    for (i, op) in record.operations.iter().enumerate() {
        write_operation(&mut ops, seq, i, op)?;
    }
    let mut events = conn.prepare_cached(INSERT_EVENT)?;
    for (i, event) in record.events.iter().enumerate() {
        write_event(&mut events, seq, i, event)?;
    }
    Ok((seq, extra))
}

fn write_operation(
    stmt: &mut Statement<'_>,
    seq: i64,
    position: usize,
    op: &Operation,
) -> Result<(), CodecError> {
    let position = to_i64(position as u64, "operation position")?;
    stmt.execute(params![
        seq,
        position,
        op.id.as_str(),
        op.parent_id.as_deref(),
        op.name.as_deref(),
        op.operation_type.as_str(),
        op.sub_type,
        op.status.as_str(),
        timer_of(op),
        op.callback_details
            .as_ref()
            .and_then(|d| d.callback_id.as_deref()),
        json(op, "operation")?,
    ])?;
    Ok(())
}

fn write_event(stmt: &mut Statement<'_>, seq: i64, position: usize, event: &Event) -> Result<(), CodecError> {
    stmt.execute(params![
        seq,
        to_i64(position as u64, "event position")?,
        to_i64(event.event_id, "event id")?,
        event.event_type,
        event.id.as_deref(),
        event.event_timestamp.0,
        json(event, "event")?,
    ])?;
    Ok(())
}

/// Whether the fields kept in the `executions` row (other than `extra`) differ.
fn header_changed(a: &ExecutionRecord, b: &ExecutionRecord) -> bool {
    a.workflow != b.workflow
        || a.status != b.status
        || a.start != b.start
        || a.end != b.end
        || a.token != b.token
        || a.token_seq != b.token_seq
        || a.dirty != b.dirty
        || a.invocations != b.invocations
        || a.failed_invocations != b.failed_invocations
}

/// How many leading elements `a` and `b` share.
fn common_prefix<T: PartialEq>(a: &[Arc<T>], b: &[Arc<T>]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| same(x, y)).count()
}

/// Whether two shared values are equal: the same allocation is (an update copies an
/// operation or event before it changes it, so one it did not touch is still shared with
/// the stored record), and only different allocations are compared field by field.
fn same<T: PartialEq>(a: &Arc<T>, b: &Arc<T>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

/// Writes what changed from `entry.record` to `next`: the execution row (always, when
/// anything changed, so its `rev` moves), the payloads if they changed, the operations that
/// changed or were added, and the events from the first one that differs (normally: the
/// appended ones). Returns the new `extra`, or `None` when nothing changed and nothing was
/// written.
pub(super) fn write_update(
    conn: &Connection,
    entry: &Entry,
    next: &mut ExecutionRecord,
) -> Result<Option<String>, CodecError> {
    let old = &entry.record;
    if next.arn != old.arn {
        return Err(CodecError::Data(format!(
            "an update may not change the ARN of execution `{}`",
            old.arn
        )));
    }
    let extra = extra_of(next)?;
    let payloads = old.input != next.input || old.result != next.result || old.error != next.error;
    let header = extra != entry.extra || header_changed(old, next);
    let changed_ops: Vec<usize> = (0..next.operations.len())
        .filter(|&i| {
            !old.operations
                .get(i)
                .is_some_and(|op| same(op, &next.operations[i]))
        })
        .collect();
    let ops_removed = next.operations.len() < old.operations.len();
    let events_from = common_prefix(&old.events, &next.events);
    let events_changed = events_from < old.events.len().max(next.events.len());
    if !(header || payloads || !changed_ops.is_empty() || ops_removed || events_changed) {
        return Ok(None);
    }
    let seq = entry.seq;
    let h = Header::of(next)?;
    let updated = execute(
        conn,
        UPDATE_EXECUTION,
        params![
            seq,
            next.workflow,
            h.status,
            next.start.0,
            h.end,
            next.token,
            h.token_seq,
            h.dirty,
            next.invocations,
            next.failed_invocations,
            extra,
        ],
    )?;
    if updated != 1 {
        return Err(CodecError::Data(format!(
            "execution `{}` has no row in the database",
            old.arn
        )));
    }
    if payloads {
        execute(
            conn,
            UPDATE_PAYLOADS,
            params![seq, next.input, next.result, error_json(next)?],
        )?;
    }
    if ops_removed {
        execute(
            conn,
            "DELETE FROM operations WHERE execution = ?1 AND position >= ?2",
            params![seq, to_i64(next.operations.len() as u64, "operation count")?],
        )?;
    }
    if !changed_ops.is_empty() {
        let mut stmt = conn.prepare_cached(UPSERT_OPERATION)?;
        for i in changed_ops {
            write_operation(&mut stmt, seq, i, &next.operations[i])?;
        }
    }
    if events_changed {
        if events_from < old.events.len() {
            execute(
                conn,
                "DELETE FROM events WHERE execution = ?1 AND position >= ?2",
                params![seq, to_i64(events_from as u64, "event position")?],
            )?;
        }
        let mut stmt = conn.prepare_cached(INSERT_EVENT)?;
        for (i, event) in next.events.iter().enumerate().skip(events_from) {
            write_event(&mut stmt, seq, i, event)?;
        }
    }
    Ok(Some(extra))
}

/// `(seq, arn, rev)` of every execution, oldest first.
pub(super) fn list_rows(conn: &Connection) -> Result<Vec<(i64, String, i64)>, CodecError> {
    let mut stmt = conn.prepare_cached("SELECT seq, arn, rev FROM executions ORDER BY seq")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Reads whole records, with its statements prepared once.
pub(super) struct Loader<'c> {
    execution: Statement<'c>,
    operations: Statement<'c>,
    events: Statement<'c>,
}

/// The columns of one `executions` row joined with its payloads.
struct ExecutionRow {
    arn: String,
    workflow: String,
    status: String,
    start_ms: i64,
    end_ms: Option<i64>,
    token: Option<String>,
    token_seq: i64,
    dirty: String,
    invocations: i64,
    failed_invocations: i64,
    extra: String,
    rev: i64,
    input: Option<String>,
    result: Option<String>,
    error: Option<String>,
}

impl<'c> Loader<'c> {
    /// Prepares the statements.
    pub(super) fn new(conn: &'c Connection) -> Result<Self, CodecError> {
        Ok(Loader {
            execution: conn.prepare(
                "SELECT e.arn, e.workflow, e.status, e.start_ms, e.end_ms, e.token, e.token_seq, \
                 e.dirty, e.invocations, e.failed_invocations, e.extra, e.rev, \
                 p.input, p.result, p.error \
                 FROM executions e LEFT JOIN execution_payloads p ON p.execution = e.seq \
                 WHERE e.seq = ?1",
            )?,
            operations: conn.prepare("SELECT body FROM operations WHERE execution = ?1 ORDER BY position")?,
            events: conn
                .prepare("SELECT timestamp_ms, body FROM events WHERE execution = ?1 ORDER BY position")?,
        })
    }

    /// Loads execution `seq`.
    pub(super) fn load(&mut self, seq: i64) -> Result<Entry, CodecError> {
        let row = self.execution.query_row([seq], |r| {
            Ok(ExecutionRow {
                arn: r.get(0)?,
                workflow: r.get(1)?,
                status: r.get(2)?,
                start_ms: r.get(3)?,
                end_ms: r.get(4)?,
                token: r.get(5)?,
                token_seq: r.get(6)?,
                dirty: r.get(7)?,
                invocations: r.get(8)?,
                failed_invocations: r.get(9)?,
                extra: r.get(10)?,
                rev: r.get(11)?,
                input: r.get(12)?,
                result: r.get(13)?,
                error: r.get(14)?,
            })
        })?;
        let arn = row.arn.clone();
        let bad = |what: &str, e: &dyn std::fmt::Display| {
            CodecError::Data(format!("execution `{arn}`: {what} does not decode: {e}"))
        };
        let mut map = match serde_json::from_str::<Value>(&row.extra) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(bad("`extra`", &"not a JSON object")),
            Err(e) => return Err(bad("`extra`", &e)),
        };
        let parse = |text: &str, what: &str| serde_json::from_str::<Value>(text).map_err(|e| bad(what, &e));
        let dirty = parse(&row.dirty, "`dirty`")?;
        let error = match &row.error {
            Some(text) => parse(text, "`error`")?,
            None => Value::Null,
        };
        let columns: [(&str, Value); 15] = [
            ("arn", Value::String(row.arn)),
            ("workflow", Value::String(row.workflow)),
            ("status", Value::String(row.status)),
            ("input", Value::Null),
            ("result", Value::Null),
            ("error", error),
            ("start", Value::from(row.start_ms)),
            ("end", row.end_ms.map_or(Value::Null, Value::from)),
            ("operations", Value::Array(Vec::new())),
            ("events", Value::Array(Vec::new())),
            ("token", row.token.map_or(Value::Null, Value::String)),
            ("token_seq", Value::from(row.token_seq)),
            ("dirty", dirty),
            ("invocations", Value::from(row.invocations)),
            ("failed_invocations", Value::from(row.failed_invocations)),
        ];
        for (key, value) in columns {
            map.insert(key.to_owned(), value);
        }
        let mut record: ExecutionRecord =
            serde_json::from_value(Value::Object(map)).map_err(|e| bad("the execution row", &e))?;
        record.input = row.input;
        record.result = row.result;
        let ops = self.operations.query_map([seq], |r| r.get::<_, String>(0))?;
        for body in ops {
            let op: Operation = serde_json::from_str(&body?).map_err(|e| bad("an operation", &e))?;
            record.operations.push(Arc::new(op));
        }
        let events = self
            .events
            .query_map([seq], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in events {
            let (timestamp, body) = row?;
            let mut event: Event = serde_json::from_str(&body).map_err(|e| bad("an event", &e))?;
            // The column is exact; the JSON carries seconds as a float.
            event.event_timestamp = EpochMillis(timestamp);
            record.events.push(Arc::new(event));
        }
        Ok(Entry {
            seq,
            rev: row.rev,
            extra: row.extra,
            record,
        })
    }
}
