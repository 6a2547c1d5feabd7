//! Child processes that are stopped when their owner drops them, free ports, readiness
//! checks and log tails.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process writing to a log file, stopped when dropped: SIGTERM, then SIGKILL after
/// a 5 s grace period.
#[derive(Debug)]
pub struct Guard {
    child: Child,
    what: String,
    log: PathBuf,
}

impl Guard {
    /// Spawns `cmd` with its standard output and error appended to `log` and no input.
    pub fn spawn(cmd: &mut Command, what: impl Into<String>, log: PathBuf) -> Result<Guard, String> {
        let what = what.into();
        let out = log_file(&log)?;
        let err = out.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {what}: {e}"))?;
        Ok(Guard { child, what, log })
    }

    /// Whether the process still runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Its process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// What it is (`dex-local-runner`), for messages.
    pub fn what(&self) -> &str {
        &self.what
    }

    /// Where it writes.
    pub fn log(&self) -> &Path {
        &self.log
    }

    /// Polls `ready` every 100 ms until it holds; fails with the log's tail if the process
    /// exits first or `budget` runs out.
    pub fn wait_ready(&mut self, budget: Duration, mut ready: impl FnMut() -> bool) -> Result<(), String> {
        let until = Instant::now() + budget;
        while Instant::now() < until {
            if !self.alive() {
                return Err(format!(
                    "{} exited during start-up; its log ({}):\n{}",
                    self.what,
                    self.log.display(),
                    tail(&self.log, 20)
                ));
            }
            if ready() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "{} did not become ready within {}s; its log ({}):\n{}",
            self.what,
            budget.as_secs(),
            self.log.display(),
            tail(&self.log, 20)
        ))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.alive() {
            return;
        }
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if !self.alive() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens `path` for appending, creating it.
pub fn log_file(path: &Path) -> Result<File, String> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// A loopback port nobody listened on a moment ago (G16: start-up retries cover the race).
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// The last `lines` lines of a text file (empty if it cannot be read).
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Runs `cmd` to completion with its output captured; fails with its standard error.
pub fn run_quiet(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_guard_stops_its_process() {
        let dir = std::env::temp_dir().join(format!("durable-emulator-guard-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut guard =
            Guard::spawn(Command::new("sleep").arg("30"), "sleep", dir.join("sleep.log")).unwrap();
        assert!(guard.alive());
        let pid = guard.id();
        drop(guard);
        let gone = !Path::new(&format!("/proc/{pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "));
        assert!(gone, "process {pid} still runs");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn tails_and_ports() {
        let path = std::env::temp_dir().join(format!("durable-emulator-tail-{}", std::process::id()));
        std::fs::write(&path, "a\nb\nc\n").unwrap();
        assert_eq!(tail(&path, 2), "b\nc");
        assert_eq!(tail(&path.with_extension("missing"), 2), "");
        let _ = std::fs::remove_file(path);
        assert!(free_port().unwrap() > 0);
    }
}
