//! The on-disk schema of [`SqliteStore`](super::SqliteStore) and its migrations.
//!
//! `MIGRATIONS[i]` upgrades a database from schema version `i` to `i + 1`; a fresh file is
//! version 0. The version lives in the one-row table `schema_version`; the file is also
//! marked with [`APPLICATION_ID`] (`PRAGMA application_id`) so other tools can tell what it is.
//! Migrations only ever get appended: a released migration is never edited.

/// `PRAGMA application_id` of a durable store: ASCII `DRBL`.
pub const APPLICATION_ID: i32 = 0x4452_424C;

/// Version 1.
///
/// * `executions`: one row per execution, with the record's small, often-changing fields as
///   columns; `extra` keeps (as a JSON object) every field of the record that has no column of
///   its own, so fields added to `ExecutionRecord` later are stored without a migration.
///   `rev` is bumped by every write so other connections can tell which records changed.
/// * `execution_payloads`: input, result and error, which can be large and rarely change,
///   kept apart so a checkpoint does not rewrite them.
/// * `operations`: one row per operation, keyed by its position in creation order; `body` is
///   the operation's JSON (authoritative); the other columns are derived from it for queries
///   (`timer_ms`: when a started wait ends or a pending step's retry is due; `callback_id`).
/// * `events`: the history, append-only in practice, keyed by position; `body` is the event's
///   JSON, `timestamp_ms` its exact timestamp.
const V1: &str = "
CREATE TABLE schema_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO schema_version (id, version) VALUES (1, 0);

CREATE TABLE executions (
    seq                INTEGER PRIMARY KEY,
    arn                TEXT    NOT NULL UNIQUE,
    workflow           TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    start_ms           INTEGER NOT NULL,
    end_ms             INTEGER,
    token              TEXT,
    token_seq          INTEGER NOT NULL,
    dirty              TEXT    NOT NULL,
    invocations        INTEGER NOT NULL,
    failed_invocations INTEGER NOT NULL,
    extra              TEXT    NOT NULL,
    rev                INTEGER NOT NULL
);
CREATE INDEX executions_by_status ON executions (status, workflow);
CREATE INDEX executions_by_workflow ON executions (workflow);

CREATE TABLE execution_payloads (
    execution INTEGER PRIMARY KEY REFERENCES executions (seq) ON DELETE CASCADE,
    input     TEXT,
    result    TEXT,
    error     TEXT
);

CREATE TABLE operations (
    execution   INTEGER NOT NULL REFERENCES executions (seq) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    id          TEXT    NOT NULL,
    parent_id   TEXT,
    name        TEXT,
    type        TEXT    NOT NULL,
    sub_type    TEXT,
    status      TEXT    NOT NULL,
    timer_ms    INTEGER,
    callback_id TEXT,
    body        TEXT    NOT NULL,
    PRIMARY KEY (execution, position)
);
CREATE INDEX operations_by_id ON operations (execution, id);
CREATE INDEX operations_by_timer ON operations (timer_ms) WHERE timer_ms IS NOT NULL;
CREATE INDEX operations_by_callback ON operations (callback_id) WHERE callback_id IS NOT NULL;

CREATE TABLE events (
    execution    INTEGER NOT NULL REFERENCES executions (seq) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    event_id     INTEGER NOT NULL,
    event_type   TEXT    NOT NULL,
    operation_id TEXT,
    timestamp_ms INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    PRIMARY KEY (execution, position)
);
";

/// `MIGRATIONS[i]` upgrades version `i` to `i + 1`.
pub(super) const MIGRATIONS: &[&str] = &[V1];

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
