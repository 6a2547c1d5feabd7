//! Group commit: the [`Store::submit`](crate::local::Store::submit)ted updates of many
//! executions, committed with one transaction and one sync.
//!
//! One thread does the committing. It takes every update that is waiting (up to the limit),
//! runs them in order inside one write transaction — each in a savepoint of its own, so one
//! that fails is undone alone and reported to its caller alone — commits once, and only then
//! shows the new records in the cache and answers the callers. Updates that arrive while it
//! syncs wait for the next group: the slower the disk, the larger the groups, so throughput
//! is the disk's sync rate times the group size rather than one update per sync, and a lone
//! update waits for nobody. The closures run inside the write transaction, after the cache
//! was brought in step with other processes' commits, exactly as in
//! [`Store::update`](crate::local::Store::update): two processes sharing a file still never
//! overwrite each other's changes.

use super::codec::Entry;
use super::{lock, write, Db, StoreError};
use crate::local::store::{DeferredUpdate, ExecutionRecord};
use durable_core::BoxFuture;
use rusqlite::Transaction;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// One submitted update and who waits for it.
struct Request {
    arn: String,
    update: DeferredUpdate,
    reply: oneshot::Sender<Result<(), StoreError>>,
}

/// The committing thread of one store, started on first use; dropping it lets the thread
/// commit what is queued and waits for it to end.
pub(super) struct GroupCommit {
    limit: usize,
    thread: Mutex<Option<Committer>>,
}

struct Committer {
    requests: Sender<Request>,
    handle: JoinHandle<()>,
}

impl GroupCommit {
    pub(super) fn new(limit: usize) -> Self {
        GroupCommit {
            limit: limit.max(1),
            thread: Mutex::new(None),
        }
    }

    /// Queues `update` of `arn`; the future resolves once it is committed (or failed).
    pub(super) fn submit(
        &self,
        db: &Arc<Db>,
        arn: &str,
        update: DeferredUpdate,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        let (reply, answer) = oneshot::channel();
        let request = Request {
            arn: arn.to_owned(),
            update,
            reply,
        };
        let sent = {
            let mut thread = lock(&self.thread);
            match &mut *thread {
                Some(committer) => committer.requests.send(request),
                slot @ None => match Committer::start(db.clone(), self.limit) {
                    Ok(committer) => slot.insert(committer).requests.send(request),
                    Err(e) => {
                        let error = db.backend("starting the group-commit thread", e);
                        return Box::pin(std::future::ready(Err(error)));
                    }
                },
            }
        };
        let stopped = || StoreError::Backend("the store's group-commit thread stopped".into());
        if sent.is_err() {
            return Box::pin(std::future::ready(Err(stopped())));
        }
        Box::pin(async move { answer.await.unwrap_or_else(|_| Err(stopped())) })
    }
}

impl Drop for GroupCommit {
    fn drop(&mut self) {
        let committer = self.thread.get_mut().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(Committer { requests, handle }) = committer {
            // Closing the queue ends the thread once it has committed what is in it.
            drop(requests);
            let _ = handle.join();
        }
    }
}

impl Committer {
    fn start(db: Arc<Db>, limit: usize) -> std::io::Result<Self> {
        let (requests, queue) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("durable-sqlite-commit".into())
            .spawn(move || run(&db, &queue, limit))?;
        Ok(Committer { requests, handle })
    }
}

fn run(db: &Db, queue: &Receiver<Request>, limit: usize) {
    while let Ok(first) = queue.recv() {
        db.commit_group(first, queue, limit);
    }
}

impl Db {
    /// Runs `first` and every request queued behind it (up to `limit`) in one transaction,
    /// and answers each of them.
    fn commit_group(&self, first: Request, queue: &Receiver<Request>, limit: usize) {
        // Held until the cache shows the commit: the next writer trusts the cache.
        let mut writer = lock(&self.writer);
        // Taken once the lock is ours: what queued while another write ran joins this group.
        let mut group = vec![first];
        while group.len() < limit {
            match queue.try_recv() {
                Ok(request) => group.push(request),
                Err(_) => break,
            }
        }
        let mut tx = match self.begin(&mut writer) {
            Ok(tx) => tx,
            Err(error) => {
                for request in group {
                    let _ = request.reply.send(Err(error.clone()));
                }
                return;
            }
        };
        let mut replies = Vec::with_capacity(group.len());
        let mut staged: HashMap<String, Entry> = HashMap::new();
        let mut written = 0;
        let alone = group.len() == 1;
        for Request { arn, update, reply } in group {
            let result = if alone {
                // Nothing else to protect: a failure rolls back the whole transaction.
                self.stage(&tx, &staged, &arn, |next| caught(&arn, update, next))
            } else {
                self.stage_in_savepoint(&mut tx, &staged, &arn, update)
            };
            let result = result.map(|entry| {
                if let Some(entry) = entry {
                    written += 1;
                    staged.insert(arn, entry);
                }
            });
            replies.push((reply, result));
        }
        let committed = if written == 0 {
            // Nothing was written; dropping the transaction ends it.
            drop(tx);
            Ok(())
        } else {
            tx.commit()
                .map_err(|e| self.backend("committing a group of updates", e))
        };
        match committed {
            Ok(()) => {
                if written > 0 {
                    self.stats.committed(written);
                    write(&self.cache).entries.extend(staged);
                }
                drop(writer);
                for (reply, result) in replies {
                    let _ = reply.send(result);
                }
            }
            // Rolled back: nothing of the group was written, so every update in it fails.
            Err(error) => {
                drop(writer);
                for (reply, result) in replies {
                    let _ = reply.send(result.and(Err(error.clone())));
                }
            }
        }
    }

    /// [`Db::stage`] in a savepoint of its own, so that a failure undoes this update alone.
    fn stage_in_savepoint(
        &self,
        tx: &mut Transaction<'_>,
        staged: &HashMap<String, Entry>,
        arn: &str,
        update: DeferredUpdate,
    ) -> Result<Option<Entry>, StoreError> {
        let savepoint = tx
            .savepoint()
            .map_err(|e| self.backend("beginning a savepoint", e))?;
        // On an error the savepoint is dropped, which rolls back what this update wrote.
        let entry = self.stage(&savepoint, staged, arn, |next| caught(arn, update, next))?;
        if entry.is_some() {
            savepoint
                .commit()
                .map_err(|e| self.backend(&format!("releasing the savepoint of `{arn}`"), e))?;
        }
        Ok(entry)
    }
}

/// Runs `update` on `next`, turning a panic into an error for its caller alone: the commit
/// thread goes on with the rest of the group.
fn caught(arn: &str, update: DeferredUpdate, next: &mut ExecutionRecord) -> Result<(), StoreError> {
    catch_unwind(AssertUnwindSafe(|| update(next))).map_err(|_| {
        StoreError::Backend(format!(
            "the update of execution `{arn}` panicked; nothing of it was written"
        ))
    })
}
