//! The store conformance suite against every store, and the SQLite store's own promises:
//! clear errors for files it must not touch, persistence of whole workflow runs, and
//! several handles on one file.

use durable_runtime::local::store_conformance;
use durable_runtime::local::{MemoryStore, Store};
use std::sync::Arc;

#[test]
fn memory_store_conforms() {
    store_conformance::run_all(&|| Arc::new(MemoryStore::new()) as Arc<dyn Store>)
        .unwrap_or_else(|failures| panic!("{failures}"));
}

#[test]
fn conformance_failures_are_reported_per_check() {
    /// A store that forgets every update.
    struct Forgetful(MemoryStore);
    impl Store for Forgetful {
        fn create(
            &self,
            r: durable_runtime::local::ExecutionRecord,
        ) -> Result<(), durable_runtime::local::StoreError> {
            self.0.create(r)
        }
        fn get(
            &self,
            arn: &str,
        ) -> Result<durable_runtime::local::ExecutionRecord, durable_runtime::local::StoreError> {
            self.0.get(arn)
        }
        fn update(
            &self,
            arn: &str,
            f: &mut dyn FnMut(&mut durable_runtime::local::ExecutionRecord),
        ) -> Result<(), durable_runtime::local::StoreError> {
            let mut copy = self.0.get(arn)?;
            f(&mut copy);
            Ok(())
        }
        fn list(&self) -> Result<Vec<String>, durable_runtime::local::StoreError> {
            self.0.list()
        }
    }
    let failures = store_conformance::run_all(&|| Arc::new(Forgetful(MemoryStore::new())) as Arc<dyn Store>)
        .expect_err("a store that forgets updates must fail");
    let names: Vec<&str> = failures.0.iter().map(|f| f.check).collect();
    assert!(
        names.contains(&"update_keeps_every_field_the_closure_sets"),
        "{names:?}"
    );
    assert!(names.contains(&"events_keep_their_append_order"), "{names:?}");
    assert!(
        !names.contains(&"create_then_get_returns_the_record"),
        "{names:?}"
    );
    let text = failures.to_string();
    assert!(text.contains("`events` differs"), "{text}");
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use durable_runtime::local::sqlite::{OpenError, SqliteOptions, Synchronous};
    use durable_runtime::local::store_conformance::sample_record;
    use durable_runtime::local::{
        EngineOptions, ExecutionStatus, InvocationOutcome, LocalEngine, SqliteStore, VirtualClock,
    };
    use durable_runtime::prelude::*;
    use durable_runtime::wire::InvocationStatus;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
    use std::sync::Mutex;

    /// A database file under the temp dir, removed (with its WAL files) on drop.
    struct TempDb(PathBuf);

    impl TempDb {
        fn new(tag: &str) -> Self {
            static N: AtomicU64 = AtomicU64::new(0);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let path = std::env::temp_dir().join(format!(
                "durable-stores-{}-{tag}-{}-{nanos:08x}.db",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let db = TempDb(path);
            db.remove();
            db
        }

        fn path(&self) -> &Path {
            &self.0
        }

        fn remove(&self) {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = self.0.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            self.remove();
        }
    }

    fn fast() -> SqliteOptions {
        SqliteOptions {
            synchronous: Synchronous::Normal,
            ..SqliteOptions::default()
        }
    }

    #[test]
    fn sqlite_in_memory_conforms() {
        store_conformance::run_all(&|| Arc::new(SqliteStore::open_in_memory().unwrap()) as Arc<dyn Store>)
            .unwrap_or_else(|failures| panic!("{failures}"));
    }

    #[test]
    fn sqlite_file_conforms() {
        let files = Mutex::new(Vec::new());
        store_conformance::run_all(&|| {
            let db = TempDb::new("conformance");
            // The default settings: WAL, synchronous = FULL.
            let store = SqliteStore::open(db.path()).unwrap();
            files.lock().unwrap().push(db);
            Arc::new(store) as Arc<dyn Store>
        })
        .unwrap_or_else(|failures| panic!("{failures}"));
    }

    #[test]
    fn sqlite_file_persists_across_reopening() {
        let db = TempDb::new("persistence");
        store_conformance::run_persistence(&|| {
            Arc::new(SqliteStore::open(db.path()).unwrap()) as Arc<dyn Store>
        })
        .unwrap_or_else(|failures| panic!("{failures}"));
    }

    /// A store whose every call reopens the database: each call sees only what is on disk.
    struct Reopening(PathBuf);

    impl Store for Reopening {
        fn create(
            &self,
            r: durable_runtime::local::ExecutionRecord,
        ) -> Result<(), durable_runtime::local::StoreError> {
            SqliteStore::open_with(&self.0, &fast())?.create(r)
        }
        fn get(
            &self,
            arn: &str,
        ) -> Result<durable_runtime::local::ExecutionRecord, durable_runtime::local::StoreError> {
            SqliteStore::open_with(&self.0, &fast())?.get(arn)
        }
        fn update(
            &self,
            arn: &str,
            f: &mut dyn FnMut(&mut durable_runtime::local::ExecutionRecord),
        ) -> Result<(), durable_runtime::local::StoreError> {
            SqliteStore::open_with(&self.0, &fast())?.update(arn, f)
        }
        fn list(&self) -> Result<Vec<String>, durable_runtime::local::StoreError> {
            SqliteStore::open_with(&self.0, &fast())?.list()
        }
    }

    #[test]
    fn every_call_reads_back_what_the_previous_one_wrote_to_disk() {
        let files = Mutex::new(Vec::new());
        store_conformance::run_all(&|| {
            let db = TempDb::new("reopening");
            let store = Reopening(db.path().to_path_buf());
            files.lock().unwrap().push(db);
            Arc::new(store) as Arc<dyn Store>
        })
        .unwrap_or_else(|failures| panic!("{failures}"));
    }

    #[test]
    fn two_handles_on_one_file_see_and_keep_each_others_changes() {
        let db = TempDb::new("two-handles");
        let a = SqliteStore::open_with(db.path(), &fast()).unwrap();
        let b = SqliteStore::open_with(db.path(), &fast()).unwrap();
        let record = sample_record("arn:two/handles").unwrap();
        a.create(record.clone()).unwrap();
        assert_eq!(b.list().unwrap(), vec![record.arn.clone()]);
        assert_eq!(b.get(&record.arn).unwrap(), record);
        a.update(&record.arn, &mut |r| r.invocations = 1).unwrap();
        // b's update builds on a's, and a's next update on b's: nothing is overwritten.
        b.update(&record.arn, &mut |r| {
            assert_eq!(r.invocations, 1);
            r.invocations += 10;
        })
        .unwrap();
        a.update(&record.arn, &mut |r| {
            assert_eq!(r.invocations, 11);
            r.invocations += 100;
        })
        .unwrap();
        assert_eq!(b.get(&record.arn).unwrap().invocations, 111);
        // So do submitted updates, which b commits on its own thread.
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime
            .block_on(b.submit(
                &record.arn,
                Box::new(|r| {
                    assert_eq!(r.invocations, 111);
                    r.invocations += 1000;
                }),
            ))
            .unwrap();
        a.update(&record.arn, &mut |r| {
            assert_eq!(r.invocations, 1111);
            r.invocations += 10_000;
        })
        .unwrap();
        assert_eq!(b.get(&record.arn).unwrap().invocations, 11_111);
        assert!(matches!(
            b.create(record.clone()),
            Err(durable_runtime::local::StoreError::AlreadyExists(_))
        ));
        drop((a, b));
        let c = SqliteStore::open(db.path()).unwrap();
        assert_eq!(c.get(&record.arn).unwrap().invocations, 11_111);
    }

    #[test]
    fn fields_without_a_column_are_kept() {
        // `callbacks` (and any field added to the record later) lives in the `extra` column.
        let db = TempDb::new("extra");
        let record = sample_record("arn:extra/fields").unwrap();
        let mut value = serde_json::to_value(&record).unwrap();
        if value.get("callbacks").is_none() {
            eprintln!("ExecutionRecord has no `callbacks` field any more; nothing to check");
            return;
        }
        value["callbacks"] = serde_json::json!([{
            "operation_id": "cb1",
            "timeout_at": 1_767_225_999_001_i64,
            "heartbeat_seconds": 30,
            "heartbeat_at": null
        }]);
        let record: durable_runtime::local::ExecutionRecord = serde_json::from_value(value).unwrap();
        let store = SqliteStore::open(db.path()).unwrap();
        store.create(record.clone()).unwrap();
        let mut want = record.clone();
        let mut bump = |r: &mut durable_runtime::local::ExecutionRecord| {
            let mut v = serde_json::to_value(&*r).unwrap();
            v["callbacks"][0]["heartbeat_seconds"] = serde_json::json!(45);
            *r = serde_json::from_value(v).unwrap();
        };
        bump(&mut want);
        store.update(&record.arn, &mut bump).unwrap();
        drop(store);
        let store = SqliteStore::open(db.path()).unwrap();
        let got = store.get(&record.arn).unwrap();
        assert_eq!(got, want);
        assert_eq!(
            serde_json::to_value(&got).unwrap()["callbacks"][0]["heartbeat_seconds"],
            45
        );
    }

    fn assert_untouched(path: &Path, before: &[u8]) {
        assert_eq!(std::fs::read(path).unwrap(), before, "the file was changed");
    }

    #[test]
    fn a_file_that_is_not_a_database_gives_a_clear_error() {
        let db = TempDb::new("garbage");
        let garbage = b"these are my holiday notes, not a database\n".repeat(200);
        std::fs::write(db.path(), &garbage).unwrap();
        let err = SqliteStore::open(db.path()).unwrap_err();
        assert!(matches!(err, OpenError::NotADatabase { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("is not a SQLite database") && text.contains("untouched"),
            "{text}"
        );
        assert_untouched(db.path(), &garbage);
        // Shorter than the SQLite header.
        std::fs::write(db.path(), b"{}").unwrap();
        let err = SqliteStore::open(db.path()).unwrap_err();
        assert!(matches!(err, OpenError::NotADatabase { .. }), "{err:?}");
        assert_untouched(db.path(), b"{}");
    }

    /// A database file with some executions in it, closed cleanly (WAL checkpointed).
    fn populated(db: &TempDb) -> Vec<u8> {
        let store = SqliteStore::open_with(db.path(), &fast()).unwrap();
        for n in 0..40 {
            let mut record = sample_record(&format!("arn:populated/{n}")).unwrap();
            record.input = Some(format!("\"{}\"", "x".repeat(3000)));
            store.create(record).unwrap();
        }
        drop(store);
        let bytes = std::fs::read(db.path()).unwrap();
        assert!(
            bytes.len() > 64 * 1024,
            "the database is too small to damage: {}",
            bytes.len()
        );
        bytes
    }

    #[test]
    fn a_corrupt_database_gives_a_clear_error() {
        let db = TempDb::new("corrupt");
        let mut bytes = populated(&db);
        // Keep the header page; overwrite pages in the middle.
        let len = bytes.len();
        for b in &mut bytes[len / 3..len / 3 + 16 * 1024] {
            *b = 0xA5;
        }
        std::fs::write(db.path(), &bytes).unwrap();
        let err = SqliteStore::open(db.path()).unwrap_err();
        eprintln!("{err}");
        assert!(matches!(err, OpenError::Corrupt { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("is corrupt") && text.contains("untouched"),
            "{text}"
        );
        assert_untouched(db.path(), &bytes);
    }

    #[test]
    fn a_torn_database_gives_a_clear_error() {
        let db = TempDb::new("torn");
        let bytes = populated(&db);
        let torn = &bytes[..bytes.len() / 2];
        std::fs::write(db.path(), torn).unwrap();
        let err = SqliteStore::open(db.path()).unwrap_err();
        eprintln!("{err}");
        assert!(matches!(err, OpenError::Corrupt { .. }), "{err:?}");
        assert_untouched(db.path(), torn);
    }

    #[test]
    fn a_missing_file_is_created_unless_told_not_to() {
        let db = TempDb::new("missing");
        let options = SqliteOptions {
            create_if_missing: false,
            ..SqliteOptions::default()
        };
        let err = SqliteStore::open_with(db.path(), &options).unwrap_err();
        assert!(matches!(err, OpenError::Missing { .. }), "{err:?}");
        assert!(!db.path().exists());
        let store = SqliteStore::open(db.path()).unwrap();
        assert!(store.list().unwrap().is_empty());
        assert_eq!(store.path(), Some(db.path()));
        drop(store);
        assert!(SqliteStore::open_with(db.path(), &options).is_ok());
        // An empty file is an empty database.
        let empty = TempDb::new("empty");
        std::fs::write(empty.path(), b"").unwrap();
        assert!(SqliteStore::open(empty.path())
            .unwrap()
            .list()
            .unwrap()
            .is_empty());
    }

    /// Steps with side-effect counters and waits.
    fn order_workflow(runs: Arc<AtomicU32>) -> impl Workflow {
        workflow_fn("order", move |ctx: DurableContext, n: u32| {
            let runs = runs.clone();
            async move {
                let r = runs.clone();
                let validated: u32 = ctx
                    .step("validate", move |_| async move {
                        r.fetch_add(1, Ordering::SeqCst);
                        Ok::<_, DurableError>(n + 1)
                    })
                    .await?;
                ctx.wait("cool-off", Duration::from_secs(3600)).await?;
                let r = runs.clone();
                let reserved: u32 = ctx
                    .step("reserve", move |_| async move {
                        r.fetch_add(1, Ordering::SeqCst);
                        Ok::<_, DurableError>(validated * 2)
                    })
                    .await?;
                ctx.wait("ship-delay", Duration::from_secs(60)).await?;
                let r = runs.clone();
                let shipped: String = ctx
                    .step("ship", move |_| async move {
                        r.fetch_add(1, Ordering::SeqCst);
                        Ok::<_, DurableError>(format!("shipped {reserved}"))
                    })
                    .await?;
                Ok(shipped)
            }
        })
    }

    fn engine(path: &Path) -> LocalEngine {
        LocalEngine::new(
            Arc::new(SqliteStore::open(path).unwrap()),
            Arc::new(VirtualClock::new()),
            EngineOptions::default(),
        )
    }

    #[tokio::test]
    async fn a_workflow_run_survives_reopening() {
        let db = TempDb::new("workflow");
        let runs = Arc::new(AtomicU32::new(0));
        let wf = Arc::new(order_workflow(runs.clone()));
        let finished = engine(db.path()).run(&wf, Some("5")).await.unwrap();
        assert_eq!(
            finished.status,
            ExecutionStatus::Succeeded,
            "{:?}",
            finished.error
        );
        assert_eq!(finished.result.as_deref(), Some("\"shipped 12\""));
        assert_eq!(runs.load(Ordering::SeqCst), 3, "a step ran twice");
        let types: Vec<&str> = finished.events.iter().map(|e| &*e.event_type).collect();
        assert_eq!(
            types,
            [
                "ExecutionStarted",
                "StepStarted",
                "StepSucceeded",
                "WaitStarted",
                "InvocationCompleted",
                "WaitSucceeded",
                "StepStarted",
                "StepSucceeded",
                "WaitStarted",
                "InvocationCompleted",
                "WaitSucceeded",
                "StepStarted",
                "StepSucceeded",
                "InvocationCompleted",
                "ExecutionSucceeded"
            ]
        );
        let reopened = SqliteStore::open(db.path()).unwrap();
        assert_eq!(reopened.list().unwrap(), vec![finished.arn.clone()]);
        assert_eq!(
            reopened.get(&finished.arn).unwrap(),
            finished,
            "the history changed on disk"
        );
    }

    #[tokio::test]
    async fn a_suspended_execution_resumes_after_a_restart() {
        let db = TempDb::new("restart");
        let runs = Arc::new(AtomicU32::new(0));
        let wf = Arc::new(order_workflow(runs.clone()));
        let arn = {
            let engine = engine(db.path());
            let arn = engine.start_execution("order", Some("1")).unwrap();
            let outcome = engine.invoke(&wf, &arn).await.unwrap();
            assert_eq!(outcome, InvocationOutcome::Returned(InvocationStatus::Pending));
            arn
            // The engine and its store are dropped here: the process "exits".
        };
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        let engine = engine(db.path());
        let suspended = engine.store().get(&arn).unwrap();
        assert_eq!(suspended.status, ExecutionStatus::Running);
        let finished = engine.run_to_completion(&wf, &arn).await.unwrap();
        assert_eq!(
            finished.status,
            ExecutionStatus::Succeeded,
            "{:?}",
            finished.error
        );
        assert_eq!(finished.result.as_deref(), Some("\"shipped 4\""));
        assert_eq!(
            runs.load(Ordering::SeqCst),
            3,
            "a completed step ran again after the restart"
        );
        assert_eq!(
            finished.events[..suspended.events.len()],
            suspended.events[..],
            "history was rewritten"
        );
        drop(engine);
        assert_eq!(SqliteStore::open(db.path()).unwrap().get(&arn).unwrap(), finished);
    }
}
