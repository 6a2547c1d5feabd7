//! Facts about the machine a report was measured on, and this process's memory, read from
//! `/proc` (Linux; elsewhere they read as unknown).

use durable_runtime::wire::EpochMillis;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where and when a report was measured.
#[derive(Clone, Debug)]
pub struct Machine {
    /// Logical cores this process may use.
    pub cores: usize,
    /// The CPU's model name.
    pub cpu: String,
    /// The kernel release.
    pub kernel: String,
    /// The filesystem holding the benchmark directory: type, device, mount point.
    pub filesystem: String,
    /// UTC date and time of the run.
    pub date: String,
    /// Whether this binary was built with optimizations.
    pub release: bool,
}

impl Machine {
    /// Looks the facts up; `dir` is where the databases go.
    pub fn probe(dir: &Path) -> Self {
        let unknown = || "unknown".to_owned();
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(unknown);
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|_| unknown());
        Machine {
            cores: std::thread::available_parallelism().map_or(0, usize::from),
            cpu,
            kernel,
            filesystem: filesystem_of(dir).unwrap_or_else(unknown),
            date: utc_now(),
            release: !cfg!(debug_assertions),
        }
    }

    /// Whether syncs on the benchmark directory reach a disk at all.
    pub fn in_memory_filesystem(&self) -> bool {
        self.filesystem.starts_with("tmpfs") || self.filesystem.starts_with("ramfs")
    }
}

/// `"<type> on <device> (mounted at <point>)"` for the mount holding `dir`: the longest
/// mount point (`/proc/self/mounts`) that is an ancestor of it.
fn filesystem_of(dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    let mut best: Option<(usize, String)> = None;
    for line in mounts.lines() {
        let mut fields = line.split_whitespace();
        let (Some(device), Some(point), Some(fstype)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        // The kernel writes a space in a mount point as `\040`.
        let point = point.replace("\\040", " ");
        let depth = Path::new(&point).components().count();
        if dir.starts_with(&point) && best.as_ref().is_none_or(|(d, _)| depth >= *d) {
            best = Some((depth, format!("{fstype} on {device} (mounted at {point})")));
        }
    }
    best.map(|(_, s)| s)
}

/// `YYYY-MM-DD HH:MM UTC` for now.
fn utc_now() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    // `YYYY-MM-DDTHH:MM:SS.mmmZ`
    let text = EpochMillis(ms).to_rfc3339();
    format!("{} {} UTC", &text[..10], &text[11..16])
}

/// A `/proc/self/status` field in kB (`VmRSS`: resident now; `VmHWM`: peak resident).
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status
        .lines()
        .find(|l| l.strip_prefix(field).is_some_and(|rest| rest.starts_with(':')))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
