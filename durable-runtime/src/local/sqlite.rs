//! The embedded SQLite store: the local engine's default, durable [`Store`].
//!
//! * **Durable by default.** The database runs in WAL mode with `synchronous=FULL`: once
//!   [`Store::create`] or [`Store::update`] returned (or a [`Store::submit`] resolved), the
//!   change survives a `kill -9` and a power cut. [`Synchronous::Normal`] trades the
//!   latter for speed.
//! * **Writing only what changed.** An update runs its closure on a copy of the record,
//!   compares it with the cached one and writes the difference: the execution row, the
//!   operations that changed or were added, the events appended. Only once that is committed
//!   does the cache see the new record; if the transaction fails, the error is returned and
//!   the store is unchanged.
//! * **Group commit.** [`Store::update`] commits on its own, in the caller's thread.
//!   [`Store::submit`] — how the engine sends checkpoints and records invocations — queues
//!   the update for a commit thread, which runs every update waiting (up to
//!   [`SqliteOptions::group_commit_limit`]) in one transaction, each in a savepoint of its own
//!   (one that fails is undone and reported alone), and syncs once for all of them: many
//!   executions share one fsync instead of paying one each. [`SqliteStore::stats`] counts
//!   transactions and updates; `docs/STORE_BENCHMARKS.md` measures the gain.
//! * **Reads from memory.** Every record lives in a write-through cache, loaded from disk on
//!   open; [`Store::get`] and [`Store::list`] do not touch the database unless another
//!   connection (another process, e.g. the CLI) changed it, which SQLite's `data_version`
//!   reveals: then the records whose `rev` moved are reloaded. Writes always check first, so
//!   two processes sharing one file never overwrite each other's changes.
//! * **Never a silent reset.** A file that is not a SQLite database, a corrupt or torn one
//!   (`PRAGMA quick_check` runs on open), another application's database, or one written by a
//!   newer schema gives a typed [`OpenError`] and is left untouched.
//!
//! # Schema (version [`SCHEMA_VERSION`])
//!
//! | table | one row per | holds |
//! |---|---|---|
//! | `schema_version` | database | the schema version; migrations upgrade it on open |
//! | `executions` | execution (`seq` = creation order) | ARN, workflow, status, start/end, token, counters; `extra`: every other record field as JSON, so new fields need no migration; `rev`, bumped by every write |
//! | `execution_payloads` | execution | input, result, error (large and rarely changed, so a checkpoint does not rewrite them) |
//! | `operations` | operation (by position in creation order) | the operation as JSON, with its id, type, status, name, parent, due timer and callback id as indexed columns |
//! | `events` | history event (by position) | the event as JSON, with its `EventId`, type, operation id and exact timestamp |
//!
//! The file is marked with `PRAGMA application_id` = [`APPLICATION_ID`]. Any SQLite client
//! can read it, e.g. `sqlite3 durable.db "SELECT arn, status FROM executions"`.

mod codec;
mod group;
mod schema;

pub use schema::{APPLICATION_ID, SCHEMA_VERSION};

use super::store::{DeferredUpdate, ExecutionRecord, Store, StoreError};
use codec::{CodecError, Entry, Loader};
use durable_core::BoxFuture;
use group::GroupCommit;
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{
    Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, TryLockError,
};
use std::time::Duration;

/// How hard SQLite works to make a commit durable (`PRAGMA synchronous`, in WAL mode).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Synchronous {
    /// Every commit is synced to disk before it returns: it survives a process crash and a
    /// power cut or OS crash. The default.
    #[default]
    Full,
    /// Commits survive a process crash (`kill -9`); the last ones may be lost on a power cut
    /// or OS crash (the database stays consistent).
    Normal,
    /// No syncing at all: for throw-away databases in tests.
    Off,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
            Synchronous::Off => "OFF",
        }
    }
}

/// Settings of [`SqliteStore::open_with`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Durability of commits; [`Synchronous::Full`] by default.
    pub synchronous: Synchronous,
    /// Whether a missing file is created (the default) or an [`OpenError::Missing`].
    pub create_if_missing: bool,
    /// How long a call waits for another process's write lock before failing.
    pub busy_timeout: Duration,
    /// Most [`Store::submit`]ted updates committed together in one transaction (group
    /// commit); `1` commits each on its own (one sync per update). 256 by default.
    pub group_commit_limit: usize,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            synchronous: Synchronous::Full,
            create_if_missing: true,
            busy_timeout: Duration::from_secs(5),
            group_commit_limit: 256,
        }
    }
}

/// Why a database could not be opened. The file is left as it was in every case.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// The file does not exist and [`SqliteOptions::create_if_missing`] is off.
    #[error("no database at {}", path.display())]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The file cannot be read.
    #[error("cannot read {}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        message: String,
    },
    /// The file is not a SQLite database.
    #[error("{} is not a SQLite database (it does not start with the SQLite header); it was left untouched", path.display())]
    NotADatabase {
        /// The file.
        path: PathBuf,
    },
    /// The database is corrupt or torn (e.g. truncated, or overwritten in part).
    #[error("the database {} is corrupt: {details}; it was left untouched: restore it from a backup, or move it aside to start afresh", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite found.
        details: String,
    },
    /// A SQLite database, but not one of this store.
    #[error("{} is a SQLite database of another application ({reason}); it was left untouched", path.display())]
    ForeignDatabase {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        reason: String,
    },
    /// The database was written by a newer version of this store.
    #[error("the database {} has schema version {found}, newer than the {supported} this build supports; use a newer build", path.display())]
    SchemaTooNew {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: i64,
        /// [`SCHEMA_VERSION`].
        supported: i64,
    },
    /// A stored execution does not decode.
    #[error("the database {} holds an execution that cannot be read: {reason}", path.display())]
    InvalidRecord {
        /// The file.
        path: PathBuf,
        /// Which execution, and what is wrong.
        reason: String,
    },
    /// SQLite failed otherwise (permissions, locking, I/O).
    #[error("SQLite failed on {}: {message}", path.display())]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        message: String,
    },
}

impl From<OpenError> for StoreError {
    fn from(e: OpenError) -> Self {
        StoreError::Backend(e.to_string())
    }
}

/// A [`Store`] in a SQLite database file (or in memory, for tests). See the
/// [module docs](self).
pub struct SqliteStore {
    db: Arc<Db>,
    /// Commits [`Store::submit`]ted updates in groups, on a thread of its own.
    group: GroupCommit,
}

/// The connection and the cache: what the store shares with its group-commit thread.
struct Db {
    path: PathBuf,
    /// Whether other connections may change the database (false in memory).
    shared: bool,
    /// The connection; whoever holds it is the only one changing the cache.
    writer: Mutex<Writer>,
    cache: RwLock<Cache>,
    stats: Counters,
}

struct Writer {
    conn: Connection,
    /// `PRAGMA data_version` when the cache was last in step with the database.
    data_version: i64,
}

#[derive(Default)]
struct Cache {
    entries: HashMap<String, Entry>,
    /// ARNs in creation order.
    order: Vec<String>,
}

/// What a [`SqliteStore`] has committed since it was opened: see [`SqliteStore::stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommitStats {
    /// Write transactions committed; under [`Synchronous::Full`] each one is one sync of
    /// the write-ahead log.
    pub transactions: u64,
    /// Executions created and updates applied in those transactions (updates that changed
    /// nothing are not counted). `updates / transactions` is the mean group size.
    pub updates: u64,
}

#[derive(Default)]
struct Counters {
    transactions: AtomicU64,
    updates: AtomicU64,
}

impl Counters {
    fn committed(&self, updates: u64) {
        self.transactions.fetch_add(1, Ordering::Relaxed);
        self.updates.fetch_add(updates, Ordering::Relaxed);
    }
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.db.path)
            .field("executions", &read(&self.db.cache).order.len())
            .finish_non_exhaustive()
    }
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl SqliteStore {
    /// Opens (creating it if missing) the database at `path`, durable by default.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, OpenError> {
        Self::open_with(path, &SqliteOptions::default())
    }

    /// Opens the database at `path` with `options`.
    pub fn open_with(path: impl AsRef<Path>, options: &SqliteOptions) -> Result<Self, OpenError> {
        let path = path.as_ref();
        check_header(path, options.create_if_missing)?;
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if options.create_if_missing {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        Self::init(conn, path.to_path_buf(), true, options)
    }

    /// A private in-memory database (tests; lost on drop).
    pub fn open_in_memory() -> Result<Self, OpenError> {
        Self::open_in_memory_with(&SqliteOptions::default())
    }

    /// A private in-memory database with `options` (tests; lost on drop).
    pub fn open_in_memory_with(options: &SqliteOptions) -> Result<Self, OpenError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| classify(&path, e))?;
        Self::init(conn, path, false, options)
    }

    /// The database file (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.db.shared.then_some(self.db.path.as_path())
    }

    /// Brings the cache in step with changes other connections made to the database. Every
    /// call does this when it can; this waits for a running write to finish first.
    pub fn refresh(&self) -> Result<(), StoreError> {
        let mut writer = lock(&self.db.writer);
        self.db.sync_in_read_transaction(&mut writer)
    }

    /// How many transactions this store committed, and how many updates they carried.
    pub fn stats(&self) -> CommitStats {
        CommitStats {
            transactions: self.db.stats.transactions.load(Ordering::Relaxed),
            updates: self.db.stats.updates.load(Ordering::Relaxed),
        }
    }

    fn init(
        mut conn: Connection,
        path: PathBuf,
        shared: bool,
        options: &SqliteOptions,
    ) -> Result<Self, OpenError> {
        let fail = |e: rusqlite::Error| classify(&path, e);
        conn.busy_timeout(options.busy_timeout).map_err(fail)?;
        quick_check(&conn, &path)?;
        let version = identify(&conn, &path)?;
        if version > SCHEMA_VERSION {
            return Err(OpenError::SchemaTooNew {
                path,
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if shared {
            let mode: String = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
                .map_err(fail)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(OpenError::Sqlite {
                    path,
                    message: format!("cannot switch to WAL mode (journal_mode is {mode})"),
                });
            }
        }
        conn.pragma_update(None, "synchronous", options.synchronous.pragma())
            .map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(fail)?;
        if version < SCHEMA_VERSION {
            migrate(&mut conn, &path)?;
        }
        let cache = RwLock::new(Cache::default());
        let tx = conn.transaction().map_err(fail)?;
        let data_version = read_data_version(&tx).map_err(fail)?;
        sync_cache(&tx, &cache).map_err(|e| match e {
            CodecError::Sql(e) => classify(&path, e),
            CodecError::Data(reason) => OpenError::InvalidRecord {
                path: path.clone(),
                reason,
            },
        })?;
        tx.commit().map_err(fail)?;
        let db = Db {
            path,
            shared,
            writer: Mutex::new(Writer { conn, data_version }),
            cache,
            stats: Counters::default(),
        };
        Ok(SqliteStore {
            db: Arc::new(db),
            group: GroupCommit::new(options.group_commit_limit),
        })
    }
}

impl Db {
    fn backend(&self, what: &str, e: impl fmt::Display) -> StoreError {
        StoreError::Backend(format!("SQLite store {}: {what}: {e}", self.path.display()))
    }

    /// Reloads what other connections changed, if anything; `conn` is inside a transaction.
    fn sync(&self, conn: &Connection, known: &mut i64) -> Result<(), StoreError> {
        if !self.shared {
            return Ok(());
        }
        let now = read_data_version(conn).map_err(|e| self.backend("reading data_version", e))?;
        if now != *known {
            sync_cache(conn, &self.cache).map_err(|e| self.backend("reloading changed executions", e))?;
            *known = now;
        }
        Ok(())
    }

    fn sync_in_read_transaction(&self, writer: &mut Writer) -> Result<(), StoreError> {
        if !self.shared {
            return Ok(());
        }
        let Writer { conn, data_version } = writer;
        // The cheap test first: there is nothing to do unless another connection committed.
        let now = read_data_version(conn).map_err(|e| self.backend("reading data_version", e))?;
        if now == *data_version {
            return Ok(());
        }
        let tx = conn
            .transaction()
            .map_err(|e| self.backend("beginning a read", e))?;
        self.sync(&tx, data_version)?;
        tx.commit().map_err(|e| self.backend("ending a read", e))
    }

    /// Syncs the cache unless a write is running (which syncs it anyway).
    fn sync_if_idle(&self) -> Result<(), StoreError> {
        if !self.shared {
            return Ok(());
        }
        let mut writer = match self.writer.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return Ok(()),
        };
        self.sync_in_read_transaction(&mut writer)
    }

    /// Begins a write transaction with the cache in step with the database.
    fn begin<'c>(&self, writer: &'c mut Writer) -> Result<Transaction<'c>, StoreError> {
        let Writer { conn, data_version } = writer;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.backend("beginning a write", e))?;
        self.sync(&tx, data_version)?;
        Ok(tx)
    }

    /// Applies `update` to execution `arn` inside the write transaction on `conn` and returns
    /// the new cache entry (`None` when nothing changed). `staged` holds records changed
    /// earlier in the same transaction and not yet in the cache: those are the base.
    fn stage(
        &self,
        conn: &Connection,
        staged: &HashMap<String, Entry>,
        arn: &str,
        update: impl FnOnce(&mut ExecutionRecord) -> Result<(), StoreError>,
    ) -> Result<Option<Entry>, StoreError> {
        // The cache only changes under the writer lock, which the caller holds; the read
        // lock is not held while the closure runs.
        let mut next = match staged.get(arn) {
            Some(entry) => entry.record.clone(),
            None => self.cached(arn)?,
        };
        update(&mut next)?;
        let cache = read(&self.cache);
        let base = staged
            .get(arn)
            .or_else(|| cache.entries.get(arn))
            .ok_or_else(|| StoreError::NotFound(arn.to_owned()))?;
        let written = codec::write_update(conn, base, &mut next)
            .map_err(|e| self.backend(&format!("updating execution `{arn}`"), e))?;
        Ok(written.map(|extra| Entry {
            seq: base.seq,
            rev: base.rev + 1,
            extra,
            record: next,
        }))
    }

    /// A copy of the cached record of `arn`.
    fn cached(&self, arn: &str) -> Result<ExecutionRecord, StoreError> {
        read(&self.cache)
            .entries
            .get(arn)
            .map(|e| e.record.clone())
            .ok_or_else(|| StoreError::NotFound(arn.to_owned()))
    }
}

impl Store for SqliteStore {
    fn create(&self, mut record: ExecutionRecord) -> Result<(), StoreError> {
        let db = &*self.db;
        let mut writer = lock(&db.writer);
        let tx = db.begin(&mut writer)?;
        if read(&db.cache).entries.contains_key(&record.arn) {
            return Err(StoreError::AlreadyExists(record.arn));
        }
        let (seq, extra) = codec::insert(&tx, &mut record)
            .map_err(|e| db.backend(&format!("creating execution `{}`", record.arn), e))?;
        tx.commit()
            .map_err(|e| db.backend(&format!("committing execution `{}`", record.arn), e))?;
        db.stats.committed(1);
        let mut cache = write(&db.cache);
        cache.order.push(record.arn.clone());
        cache.entries.insert(
            record.arn.clone(),
            Entry {
                seq,
                rev: 0,
                extra,
                record,
            },
        );
        Ok(())
    }

    fn get(&self, arn: &str) -> Result<ExecutionRecord, StoreError> {
        self.db.sync_if_idle()?;
        self.db.cached(arn)
    }

    fn read(&self, arn: &str, f: &mut dyn FnMut(&ExecutionRecord)) -> Result<(), StoreError> {
        self.db.sync_if_idle()?;
        let cache = read(&self.db.cache);
        let entry = cache
            .entries
            .get(arn)
            .ok_or_else(|| StoreError::NotFound(arn.to_owned()))?;
        f(&entry.record);
        Ok(())
    }

    fn update(&self, arn: &str, f: &mut dyn FnMut(&mut ExecutionRecord)) -> Result<(), StoreError> {
        let db = &*self.db;
        let mut writer = lock(&db.writer);
        let tx = db.begin(&mut writer)?;
        let staged = db.stage(&tx, &HashMap::new(), arn, |next| {
            f(next);
            Ok(())
        })?;
        let Some(entry) = staged else {
            // Nothing changed; dropping the transaction ends it.
            return Ok(());
        };
        tx.commit()
            .map_err(|e| db.backend(&format!("committing execution `{arn}`"), e))?;
        db.stats.committed(1);
        write(&db.cache).entries.insert(arn.to_owned(), entry);
        Ok(())
    }

    fn submit(&self, arn: &str, f: DeferredUpdate) -> BoxFuture<'static, Result<(), StoreError>> {
        self.group.submit(&self.db, arn, f)
    }

    fn list(&self) -> Result<Vec<String>, StoreError> {
        self.db.sync_if_idle()?;
        Ok(read(&self.db.cache).order.clone())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(PoisonError::into_inner)
}

fn read_data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "data_version", |r| r.get(0))
}

/// Reloads the executions whose `rev` differs from the cached one (all of them when the
/// cache is empty), and drops those no longer in the database.
fn sync_cache(conn: &Connection, cache: &RwLock<Cache>) -> Result<(), CodecError> {
    let rows = codec::list_rows(conn)?;
    let stale: Vec<i64> = {
        let current = read(cache);
        rows.iter()
            .filter(|(seq, arn, rev)| {
                !current
                    .entries
                    .get(arn)
                    .is_some_and(|e| e.seq == *seq && e.rev == *rev)
            })
            .map(|(seq, _, _)| *seq)
            .collect()
    };
    let mut loaded = Vec::with_capacity(stale.len());
    if !stale.is_empty() {
        let mut loader = Loader::new(conn)?;
        for seq in stale {
            loaded.push(loader.load(seq)?);
        }
    }
    let order: Vec<String> = rows.into_iter().map(|(_, arn, _)| arn).collect();
    let mut cache = write(cache);
    let present: HashSet<&String> = order.iter().collect();
    cache.entries.retain(|arn, _| present.contains(arn));
    for entry in loaded {
        cache.entries.insert(entry.record.arn.clone(), entry);
    }
    cache.order = order;
    Ok(())
}

fn classify(path: &Path, e: rusqlite::Error) -> OpenError {
    let path = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt) => OpenError::Corrupt {
            path,
            details: e.to_string(),
        },
        Some(ErrorCode::NotADatabase) => OpenError::NotADatabase { path },
        _ => OpenError::Sqlite {
            path,
            message: e.to_string(),
        },
    }
}

/// Rejects a file that exists, is not empty, and does not start with SQLite's header, before
/// SQLite sees it.
fn check_header(path: &Path, create: bool) -> Result<(), OpenError> {
    let io = |e: std::io::Error| OpenError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return if create {
                Ok(())
            } else {
                Err(OpenError::Missing {
                    path: path.to_path_buf(),
                })
            };
        }
        Err(e) => return Err(io(e)),
    };
    let mut head = Vec::with_capacity(SQLITE_MAGIC.len());
    file.take(SQLITE_MAGIC.len() as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    // An empty file is an empty database (SQLite's own convention).
    if head.is_empty() || head == SQLITE_MAGIC {
        Ok(())
    } else {
        Err(OpenError::NotADatabase {
            path: path.to_path_buf(),
        })
    }
}

fn quick_check(conn: &Connection, path: &Path) -> Result<(), OpenError> {
    let mut findings: Vec<String> = Vec::new();
    let run = |findings: &mut Vec<String>| -> rusqlite::Result<()> {
        let mut stmt = conn.prepare("PRAGMA quick_check")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            findings.push(row.get(0)?);
        }
        Ok(())
    };
    run(&mut findings).map_err(|e| classify(path, e))?;
    if findings.len() == 1 && findings[0] == "ok" {
        return Ok(());
    }
    let shown = findings.len().min(5);
    let mut details = findings[..shown].join("; ");
    if findings.len() > shown {
        details.push_str(&format!("; and {} more", findings.len() - shown));
    }
    Err(OpenError::Corrupt {
        path: path.to_path_buf(),
        details: format!("integrity check failed: {details}"),
    })
}

/// The schema version of the database: 0 when it is empty; an error when it is someone
/// else's.
fn identify(conn: &Connection, path: &Path) -> Result<i64, OpenError> {
    let fail = |e: rusqlite::Error| classify(path, e);
    let foreign = |reason: String| OpenError::ForeignDatabase {
        path: path.to_path_buf(),
        reason,
    };
    let app: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(fail)?;
    if app != 0 && app != APPLICATION_ID {
        return Err(foreign(format!("its application_id is {app:#010x}")));
    }
    let tables: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name")
            .map_err(fail)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(fail)?;
        rows.collect::<Result<_, _>>().map_err(fail)?
    };
    if tables.is_empty() {
        return Ok(0);
    }
    if !tables.iter().any(|t| t == "schema_version") {
        return Err(foreign(format!(
            "it has tables ({}) but no schema_version",
            tables.join(", ")
        )));
    }
    let versions: Vec<i64> = {
        let mut stmt = conn.prepare("SELECT version FROM schema_version").map_err(fail)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(fail)?;
        rows.collect::<Result<_, _>>().map_err(fail)?
    };
    match versions.as_slice() {
        [v] => Ok(*v),
        _ => Err(OpenError::Corrupt {
            path: path.to_path_buf(),
            details: format!("schema_version holds {} rows instead of one", versions.len()),
        }),
    }
}

/// Upgrades the schema to [`SCHEMA_VERSION`] in one transaction.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), OpenError> {
    let fail = |e: rusqlite::Error| classify(path, e);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(fail)?;
    // Another process may have migrated it since we looked.
    let mut version = identify(&tx, path)?;
    if version > SCHEMA_VERSION {
        return Err(OpenError::SchemaTooNew {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    while version < SCHEMA_VERSION {
        let step = usize::try_from(version)
            .ok()
            .and_then(|v| schema::MIGRATIONS.get(v))
            .ok_or_else(|| OpenError::Corrupt {
                path: path.to_path_buf(),
                details: format!("negative schema version {version}"),
            })?;
        tx.execute_batch(step).map_err(fail)?;
        version += 1;
        tx.execute("UPDATE schema_version SET version = ?1", [version])
            .map_err(fail)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(fail)?;
    tx.commit().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::store_conformance::sample_record;

    struct Temp(PathBuf);

    impl Temp {
        fn new(tag: &str) -> Self {
            let path = std::env::temp_dir().join(format!(
                "durable-sqlite-unit-{}-{tag}-{:x}.db",
                std::process::id(),
                fastrand::u64(..)
            ));
            Temp(path)
        }
    }

    impl Drop for Temp {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = self.0.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let db = Temp::new("too-new");
        drop(SqliteStore::open(&db.0).unwrap());
        let conn = Connection::open(&db.0).unwrap();
        conn.execute("UPDATE schema_version SET version = 99", [])
            .unwrap();
        drop(conn);
        let err = SqliteStore::open(&db.0).unwrap_err();
        assert_eq!(
            err,
            OpenError::SchemaTooNew {
                path: db.0.clone(),
                found: 99,
                supported: SCHEMA_VERSION
            }
        );
        assert!(err.to_string().contains("newer"), "{err}");
    }

    #[test]
    fn another_applications_database_is_refused() {
        let db = Temp::new("foreign");
        let conn = Connection::open(&db.0).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');")
            .unwrap();
        drop(conn);
        let err = SqliteStore::open(&db.0).unwrap_err();
        assert!(
            matches!(&err, OpenError::ForeignDatabase { reason, .. } if reason.contains("notes")),
            "{err:?}"
        );
        let conn = Connection::open(&db.0).unwrap();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete", "the foreign database was switched to WAL");
        conn.pragma_update(None, "application_id", 7).unwrap();
        conn.execute_batch("DROP TABLE notes").unwrap();
        drop(conn);
        let err = SqliteStore::open(&db.0).unwrap_err();
        assert!(
            matches!(&err, OpenError::ForeignDatabase { reason, .. } if reason.contains("application_id")),
            "{err:?}"
        );
    }

    #[test]
    fn a_new_database_is_versioned_and_in_wal_mode() {
        let db = Temp::new("fresh");
        let store = SqliteStore::open(&db.0).unwrap();
        store.create(sample_record("arn:x/1").unwrap()).unwrap();
        let writer = lock(&store.db.writer);
        let conn = &writer.conn;
        let version: i64 = conn
            .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let app: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(app, APPLICATION_ID);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous is not FULL");
    }

    #[test]
    fn an_update_writes_only_what_changed() {
        let store = SqliteStore::open_in_memory().unwrap();
        let mut record = sample_record("arn:x/diff").unwrap();
        record.input = Some("\"big input\"".into());
        store.create(record.clone()).unwrap();
        let changes = |store: &SqliteStore| lock(&store.db.writer).conn.total_changes();
        let before = changes(&store);
        store
            .update(&record.arn, &mut |r| {
                r.invocations += 1;
                let mut op = r.operations[0].clone();
                Arc::make_mut(&mut op).id = "step".into();
                r.operations.push(op);
            })
            .unwrap();
        // The execution row and one operation row; not the payloads, the EXECUTION
        // operation or the existing event.
        assert_eq!(changes(&store) - before, 2);
        let before = changes(&store);
        store.update(&record.arn, &mut |_| {}).unwrap();
        assert_eq!(changes(&store), before, "an empty update wrote");
    }

    #[test]
    fn a_failed_write_leaves_the_store_unchanged() {
        let store = SqliteStore::open_in_memory().unwrap();
        let record = sample_record("arn:x/fail").unwrap();
        store.create(record.clone()).unwrap();
        // Token sequence numbers beyond i64 cannot be stored.
        let err = store
            .update(&record.arn, &mut |r| {
                r.invocations = 5;
                r.token_seq = u64::MAX;
            })
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Backend(m) if m.contains("token_seq")),
            "{err:?}"
        );
        assert_eq!(store.get(&record.arn).unwrap(), record);
        let err = store
            .update(&record.arn, &mut |r| r.arn = "arn:x/other".into())
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Backend(m) if m.contains("ARN")),
            "{err:?}"
        );
        assert_eq!(store.get(&record.arn).unwrap(), record);
        // A panicking closure leaves it unchanged too, and the store usable.
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = store.update(&record.arn, &mut |r| {
                r.invocations = 9;
                panic!("boom");
            });
        }));
        assert!(caught.is_err());
        assert_eq!(store.get(&record.arn).unwrap(), record);
        store.update(&record.arn, &mut |r| r.invocations = 1).unwrap();
        assert_eq!(store.get(&record.arn).unwrap().invocations, 1);
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    /// Submits `updates` while another write holds the connection, so they queue up and
    /// must all go into the next group; returns what each submission returned.
    fn submit_queued(
        store: &SqliteStore,
        updates: Vec<(&str, DeferredUpdate)>,
    ) -> Vec<Result<(), StoreError>> {
        let writer = lock(&store.db.writer);
        let pending: Vec<_> = updates
            .into_iter()
            .map(|(arn, update)| store.submit(arn, update))
            .collect();
        // Give the commit thread time to take the first one and wait for the connection.
        std::thread::sleep(Duration::from_millis(50));
        drop(writer);
        block_on(async {
            let mut results = Vec::new();
            for p in pending {
                results.push(p.await);
            }
            results
        })
    }

    #[test]
    fn queued_updates_of_many_executions_commit_in_one_transaction() {
        let db = Temp::new("group");
        let store = SqliteStore::open(&db.0).unwrap();
        let arns: Vec<String> = (0..10).map(|i| format!("arn:x/group-{i}")).collect();
        for arn in &arns {
            store.create(sample_record(arn).unwrap()).unwrap();
        }
        let before = store.stats();
        let updates: Vec<(&str, DeferredUpdate)> = (0..50)
            .map(|i| {
                let update: DeferredUpdate = Box::new(move |r| r.invocations += i as u32 + 1);
                (arns[i % 10].as_str(), update)
            })
            .collect();
        let results = submit_queued(&store, updates);
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        let after = store.stats();
        assert_eq!(
            after.transactions - before.transactions,
            1,
            "{before:?} {after:?}"
        );
        assert_eq!(after.updates - before.updates, 50);
        // Five updates per execution, applied in order on top of each other, and on disk.
        drop(store);
        let store = SqliteStore::open(&db.0).unwrap();
        for (k, arn) in arns.iter().enumerate() {
            let want: u32 = (0..50).filter(|i| i % 10 == k).map(|i| i as u32 + 1).sum();
            assert_eq!(store.get(arn).unwrap().invocations, want, "{arn}");
        }
    }

    #[test]
    fn an_update_that_fails_in_a_group_fails_alone() {
        let store = SqliteStore::open_in_memory().unwrap();
        let (a, b) = ("arn:x/a", "arn:x/b");
        store.create(sample_record(a).unwrap()).unwrap();
        store.create(sample_record(b).unwrap()).unwrap();
        let updates: Vec<(&str, DeferredUpdate)> = vec![
            (a, Box::new(|r| r.invocations = 1)),
            // Cannot be stored: rolled back to its savepoint.
            (
                b,
                Box::new(|r| {
                    r.invocations = 7;
                    r.token_seq = u64::MAX;
                }),
            ),
            (b, Box::new(|_| panic!("boom"))),
            ("arn:x/missing", Box::new(|r| r.invocations = 9)),
            (b, Box::new(|r| r.invocations += 2)),
        ];
        let results = submit_queued(&store, updates);
        assert_eq!(results[0], Ok(()));
        assert!(
            matches!(&results[1], Err(StoreError::Backend(m)) if m.contains("token_seq")),
            "{results:?}"
        );
        assert!(
            matches!(&results[2], Err(StoreError::Backend(m)) if m.contains("panicked")),
            "{results:?}"
        );
        assert_eq!(results[3], Err(StoreError::NotFound("arn:x/missing".into())));
        assert_eq!(results[4], Ok(()));
        assert_eq!(store.get(a).unwrap().invocations, 1);
        // The last update built on the record as it was before the failed ones.
        assert_eq!(store.get(b).unwrap().invocations, 2);
        assert_eq!(
            store.get(b).unwrap().token_seq,
            sample_record(b).unwrap().token_seq
        );
    }

    #[test]
    fn updates_still_queued_when_the_store_is_dropped_are_committed() {
        let db = Temp::new("drop");
        let store = SqliteStore::open(&db.0).unwrap();
        let arn = "arn:x/drop";
        store.create(sample_record(arn).unwrap()).unwrap();
        for _ in 0..20 {
            // The futures are dropped unawaited: the updates stay queued.
            drop(store.submit(arn, Box::new(|r| r.invocations += 1)));
        }
        drop(store);
        let store = SqliteStore::open(&db.0).unwrap();
        assert_eq!(store.get(arn).unwrap().invocations, 20);
    }

    #[test]
    fn without_group_commit_every_update_is_its_own_transaction() {
        let options = SqliteOptions {
            group_commit_limit: 1,
            ..SqliteOptions::default()
        };
        let store = SqliteStore::open_in_memory_with(&options).unwrap();
        let arn = "arn:x/single";
        store.create(sample_record(arn).unwrap()).unwrap();
        let before = store.stats();
        let updates: Vec<(&str, DeferredUpdate)> = (0..5)
            .map(|_| {
                (
                    arn,
                    Box::new(|r: &mut ExecutionRecord| r.invocations += 1) as DeferredUpdate,
                )
            })
            .collect();
        assert!(submit_queued(&store, updates).iter().all(Result::is_ok));
        assert_eq!(store.stats().transactions - before.transactions, 5);
        assert_eq!(store.get(arn).unwrap().invocations, 5);
    }

    #[test]
    fn event_timestamps_are_exact() {
        let store = SqliteStore::open_in_memory().unwrap();
        let record = sample_record("arn:x/time").unwrap();
        store.create(record.clone()).unwrap();
        let mut rng = fastrand::Rng::with_seed(7);
        store
            .update(&record.arn, &mut |r| {
                for i in 0..500 {
                    let mut e = (*r.events[0]).clone();
                    e.event_id = i + 2;
                    e.event_timestamp = durable_core::wire::EpochMillis(rng.i64(0..4_102_444_800_000));
                    e.details = durable_core::wire::EventDetails::WaitStarted(
                        durable_core::wire::WaitStartedDetails {
                            duration: 1,
                            scheduled_end_timestamp: durable_core::wire::EpochMillis(
                                rng.i64(0..4_102_444_800_000),
                            ),
                        },
                    );
                    r.events.push(Arc::new(e));
                }
            })
            .unwrap();
        let want = store.get(&record.arn).unwrap();
        // Reload from the rows.
        let writer = lock(&store.db.writer);
        let mut loader = Loader::new(&writer.conn).unwrap();
        let seq = read(&store.db.cache).entries[&record.arn].seq;
        assert_eq!(loader.load(seq).unwrap().record, want);
    }
}
