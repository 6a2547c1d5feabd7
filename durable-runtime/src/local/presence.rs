//! Which process runs the worker of a database: a file `<db>-worker` beside it, holding the
//! worker's process id and refreshed every second while it runs.
//!
//! Two workers on one database would invoke the same executions at once (each invocation
//! rotates the checkpoint token, so the other one's checkpoints would be refused), so a
//! worker claims the file first. A claim left by a dead worker (`kill -9`) is taken over: the
//! worker counts as alive only while its file was refreshed in the last [`STALE_AFTER`] and,
//! on Linux, its process exists.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A claim not refreshed for this long belongs to a dead worker.
pub const STALE_AFTER: Duration = Duration::from_secs(5);

/// How often a running worker refreshes its claim.
pub const REFRESH_EVERY: Duration = Duration::from_secs(1);

/// The claim file of database `db`.
pub fn path_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-worker");
    PathBuf::from(name)
}

/// The process id of the live worker of `db`, if one runs.
pub fn live_worker(db: &Path) -> Option<u32> {
    let path = path_of(db);
    let meta = fs::metadata(&path).ok()?;
    let age = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .unwrap_or_default();
    if age > STALE_AFTER {
        return None;
    }
    // A file being rewritten may read empty for an instant: a fresh claim counts as alive.
    let pid = fs::read_to_string(&path).ok()?.trim().parse::<u32>().unwrap_or(0);
    if pid != 0 && !process_exists(pid) {
        return None;
    }
    Some(pid)
}

#[cfg(target_os = "linux")]
fn process_exists(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_exists(_pid: u32) -> bool {
    true
}

/// A claim on a database's worker slot; released on drop.
#[derive(Debug)]
pub struct Claim {
    path: PathBuf,
    pid: u32,
}

/// Why a claim failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimError {
    /// Another worker runs (its process id).
    Taken(u32),
    /// The file could not be written.
    Io(String),
}

impl Claim {
    /// Claims the worker slot of `db`.
    pub fn take(db: &Path) -> Result<Claim, ClaimError> {
        let path = path_of(db);
        let pid = std::process::id();
        for _ in 0..3 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    file.write_all(pid.to_string().as_bytes())
                        .map_err(|e| ClaimError::Io(format!("cannot write {}: {e}", path.display())))?;
                    return Ok(Claim { path, pid });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    if let Some(other) = live_worker(db) {
                        return Err(ClaimError::Taken(other));
                    }
                    // A dead worker's claim.
                    match fs::remove_file(&path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == ErrorKind::NotFound => {}
                        Err(e) => {
                            return Err(ClaimError::Io(format!("cannot remove {}: {e}", path.display())))
                        }
                    }
                }
                Err(e) => return Err(ClaimError::Io(format!("cannot create {}: {e}", path.display()))),
            }
        }
        Err(ClaimError::Taken(live_worker(db).unwrap_or(0)))
    }

    /// Marks the claim as alive (call every [`REFRESH_EVERY`]).
    pub fn refresh(&self) {
        // Rewriting the same content bumps the file's modification time.
        let _ = fs::write(&self.path, self.pid.to_string());
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let ours = fs::read_to_string(&self.path).is_ok_and(|s| s.trim() == self.pid.to_string());
        if ours {
            let _ = fs::remove_file(&self.path);
        }
    }
}

impl std::fmt::Display for ClaimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClaimError::Taken(pid) => {
                write!(f, "another worker (process {pid}) already serves this database")
            }
            ClaimError::Io(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ClaimError {}

impl Claim {
    /// Claims the worker slot of `db` and keeps the claim fresh from a background task until
    /// the returned guard is dropped.
    pub fn take_and_keep(db: &Path) -> Result<KeptClaim, ClaimError> {
        let claim = std::sync::Arc::new(Claim::take(db)?);
        let kept = claim.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(REFRESH_EVERY).await;
                kept.refresh();
            }
        });
        Ok(KeptClaim { _claim: claim, task })
    }
}

/// A claim refreshed in the background; dropping it stops the refresh and releases the claim.
#[derive(Debug)]
pub struct KeptClaim {
    _claim: std::sync::Arc<Claim>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for KeptClaim {
    fn drop(&mut self) {
        self.task.abort();
    }
}
