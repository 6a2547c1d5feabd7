//! The report: one table per part, as aligned text for the terminal or as a markdown page.

use super::machine::Machine;
use super::memory::{sync_name, MemoryResult};
use super::parts::{self, ConcurrentRun, FsyncResult, SequentialResult, FSYNC_WRITE_BYTES};
use durable_runtime::local::sqlite::Synchronous;
use std::fmt::Write as _;
use std::path::PathBuf;

/// A titled table with notes below it.
pub struct Table {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    notes: Vec<String>,
    /// Every column left-aligned (a table of facts rather than figures).
    facts: bool,
}

impl Table {
    fn new(title: &str, header: &[&str]) -> Self {
        Table {
            title: title.to_owned(),
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
            facts: false,
        }
    }

    /// A two-column table of facts (`key`, `value`), left-aligned.
    fn facts(title: &str, header: &[&str]) -> Self {
        Table {
            facts: true,
            ..Table::new(title, header)
        }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// Aligned columns for a terminal (markdown's backticks dropped).
    pub fn text(&self) -> String {
        let plain = |s: &str| s.replace('`', "").replace("**", "");
        let widths: Vec<usize> = (0..self.header.len())
            .map(|c| {
                std::iter::once(&self.header)
                    .chain(&self.rows)
                    .map(|r| r.get(c).map_or(0, |s| plain(s).chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = format!("{}\n{}\n", self.title, "=".repeat(self.title.chars().count()));
        for (i, row) in std::iter::once(&self.header).chain(&self.rows).enumerate() {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    let s = plain(s);
                    let pad = widths[c].saturating_sub(s.chars().count());
                    // First column left-aligned, figures right-aligned.
                    if c == 0 || self.facts {
                        format!("{s}{}", " ".repeat(pad))
                    } else {
                        format!("{}{s}", " ".repeat(pad))
                    }
                })
                .collect();
            let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
            if i == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                let _ = writeln!(out, "  {}", rule.join("  "));
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "  {}", plain(note));
        }
        out
    }

    /// A markdown section: `## title`, the table, the notes as paragraphs.
    pub fn markdown(&self) -> String {
        let mut out = format!("## {}\n\n| {} |\n", self.title, self.header.join(" | "));
        let align: Vec<&str> = (0..self.header.len())
            .map(|c| if c == 0 || self.facts { "---" } else { "---:" })
            .collect();
        let _ = writeln!(out, "|{}|", align.join("|"));
        for row in &self.rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        for note in &self.notes {
            let _ = write!(out, "\n{note}\n");
        }
        out
    }
}

/// `v` with `decimals` decimals.
fn num(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
}

/// Everything measured in one run of the binary.
pub struct Report {
    /// Where and when.
    pub machine: Machine,
    /// The directory the databases went under.
    base: PathBuf,
    /// The arguments the binary was given.
    args: Vec<String>,
    /// The fsync part, if run.
    pub fsync: Option<FsyncResult>,
    /// The sequential part's runs, if run.
    pub sequential: Vec<SequentialResult>,
    /// The concurrent part's runs (round, run), in the order they ran.
    pub concurrent: Vec<(u32, ConcurrentRun)>,
    /// The memory part, if run.
    pub memory: Option<MemoryResult>,
}

impl Report {
    /// An empty report.
    pub fn new(machine: Machine, base: PathBuf, args: &[String]) -> Self {
        Report {
            machine,
            base,
            args: args.to_vec(),
            fsync: None,
            sequential: Vec::new(),
            concurrent: Vec::new(),
            memory: None,
        }
    }

    fn syncs_per_sec(&self) -> Option<f64> {
        self.fsync.as_ref().map(FsyncResult::per_sec)
    }

    /// `rate ÷ syncs/s`, or a dash without an fsync figure.
    fn per_sync(&self, rate: f64) -> String {
        self.syncs_per_sec().map_or("–".into(), |s| num(rate / s, 2))
    }

    /// A note on how much of a run of `secs` its `transactions` syncs explain, at the
    /// measured mean sync time (nothing without an fsync figure).
    fn sync_share(&self, what: &str, transactions: u64, secs: f64) -> Option<String> {
        let f = self.fsync.as_ref()?;
        let sync_secs = transactions as f64 * f.mean_ms() / 1000.0;
        Some(format!(
            "{what}: {transactions} syncs at the measured {} ms each are about {} ms of the \
             {} ms run ({} %); the rest is the engine, the store and SQLite on the CPU.",
            num(f.mean_ms(), 3),
            num(sync_secs * 1000.0, 0),
            num(secs * 1000.0, 0),
            num(100.0 * sync_secs / secs, 0)
        ))
    }

    /// The machine facts.
    pub fn machine_table(&self) -> Table {
        let m = &self.machine;
        let mut t = Table::facts("Machine", &["fact", "value"]);
        t.row(vec!["cores".into(), m.cores.to_string()]);
        t.row(vec!["CPU".into(), m.cpu.clone()]);
        t.row(vec!["kernel".into(), m.kernel.clone()]);
        t.row(vec![
            "benchmark directory".into(),
            format!("a fresh directory under `{}`", self.base.display()),
        ]);
        t.row(vec!["its filesystem".into(), m.filesystem.clone()]);
        t.row(vec!["date".into(), m.date.clone()]);
        t.row(vec![
            "build".into(),
            if m.release {
                "release"
            } else {
                "debug (not representative)"
            }
            .into(),
        ]);
        t
    }

    /// The disk's sync rate.
    pub fn fsync_table(&self) -> Table {
        let mut t = Table::new(
            "Disk sync rate",
            &["probe", "syncs", "time (s)", "syncs/s", "mean ms per sync"],
        );
        if let Some(f) = &self.fsync {
            t.row(vec![
                format!("append {} KiB + `sync_data`", FSYNC_WRITE_BYTES / 1024),
                f.syncs.to_string(),
                num(f.secs, 2),
                num(f.per_sec(), 0),
                num(f.mean_ms(), 3),
            ]);
        }
        t.note(
            "One file in the benchmark directory, appended to and synced in a loop: about what \
             one commit of the write-ahead log costs under `synchronous=FULL`, so a store that \
             syncs every update on its own cannot go faster than this.",
        );
        t
    }

    /// One sequential workflow.
    pub fn sequential_table(&self) -> Table {
        let mut t = Table::new(
            "One sequential workflow",
            &[
                "`synchronous`",
                "steps",
                "time (s)",
                "steps/s",
                "transactions",
                "transactions per step",
                "steps/s ÷ syncs/s",
            ],
        );
        for s in &self.sequential {
            t.row(vec![
                format!("`{}`", sync_name(s.synchronous)),
                s.steps.to_string(),
                num(s.secs, 3),
                num(s.steps_per_sec(), 0),
                s.commits.transactions.to_string(),
                num(s.commits.transactions as f64 / f64::from(s.steps), 3),
                self.per_sync(s.steps_per_sec()),
            ]);
        }
        t.note(
            "A fresh database, default group commit (limit 256), one worker. Timed from \
             `start_execution` until the worker saw `SUCCEEDED`; checked: the exact sum of the \
             step results, every step `SUCCEEDED`, one invocation. One execution waits for each \
             checkpoint before its next step, so there is nothing to group: under `FULL` every \
             step pays a sync. `OFF` (no syncs at all, not durable) is there for comparison: \
             what the engine and the store cost without the disk.",
        );
        let full = self
            .sequential
            .iter()
            .find(|s| s.synchronous == Synchronous::Full);
        if let Some(note) = full.and_then(|s| self.sync_share("`FULL`", s.commits.transactions, s.secs)) {
            t.note(note);
        }
        t
    }

    /// Every concurrent run.
    pub fn concurrent_table(&self) -> Table {
        let mut t = Table::new(
            "Concurrent workflows, with and without group commit",
            &[
                "round",
                "group commit limit",
                "workflows × steps",
                "start (s)",
                "run (s)",
                "steps/s",
                "transactions",
                "updates",
                "updates per transaction",
            ],
        );
        for (round, r) in &self.concurrent {
            t.row(vec![
                round.to_string(),
                r.group_limit.to_string(),
                format!("{} × {}", r.workflows, r.steps_each),
                num(r.start_secs, 2),
                num(r.run_secs, 3),
                num(r.steps_per_sec(), 0),
                r.commits.transactions.to_string(),
                r.commits.updates.to_string(),
                num(r.commits.group_size(), 1),
            ]);
        }
        t.note(
            "Each run: a fresh database (`synchronous=FULL`), every execution started first (one \
             transaction each: `start (s)`), then one worker running all of them at once until \
             each ended (`run (s)`, which steps/s and the commit counts cover). Checked: every \
             execution `SUCCEEDED` in one invocation with its exact sum. Limit 1 commits every \
             update in its own transaction; 256 lets updates that arrive while a sync runs share \
             the next one.",
        );
        t
    }

    fn median_rate(&self, limit: usize) -> Option<f64> {
        let rates: Vec<f64> = self
            .concurrent
            .iter()
            .filter(|(_, r)| r.group_limit == limit)
            .map(|(_, r)| r.steps_per_sec())
            .collect();
        (!rates.is_empty()).then(|| parts::median(&rates))
    }

    /// The medians and the group-commit gain.
    pub fn concurrent_summary(&self) -> Table {
        let rounds = self.concurrent.iter().map(|(r, _)| *r).max().unwrap_or(0);
        let mut t = Table::new(
            "Group-commit gain",
            &["group commit limit", "steps/s (median)", "steps/s ÷ syncs/s"],
        );
        let grouped = self.median_rate(256);
        let ungrouped = self.median_rate(1);
        for (limit, rate) in [(256, grouped), (1, ungrouped)] {
            if let Some(rate) = rate {
                t.row(vec![limit.to_string(), num(rate, 0), self.per_sync(rate)]);
            }
        }
        if let (Some(g), Some(u)) = (grouped, ungrouped) {
            t.note(format!(
                "**Group-commit gain: {:.1}×** (grouped steps/s ÷ ungrouped steps/s, median of {rounds} \
                 round{}).",
                g / u,
                if rounds == 1 { "" } else { "s" }
            ));
        }
        for (limit, label) in [(256, "Grouped"), (1, "Ungrouped")] {
            // The median run's (the first of them, for an even count).
            let mut runs: Vec<&ConcurrentRun> = self
                .concurrent
                .iter()
                .map(|(_, r)| r)
                .filter(|r| r.group_limit == limit)
                .collect();
            runs.sort_by(|a, b| a.steps_per_sec().total_cmp(&b.steps_per_sec()));
            if let Some(r) = runs.get(runs.len().saturating_sub(1) / 2) {
                let what = format!("{label} (the median run)");
                if let Some(note) = self.sync_share(&what, r.commits.transactions, r.run_secs) {
                    t.note(note);
                }
            }
        }
        t
    }

    /// Memory per suspended execution.
    pub fn memory_table(&self) -> Table {
        let mut t = Table::facts("Memory per suspended execution", &["measure", "value"]);
        let Some(m) = &self.memory else {
            return t;
        };
        let mb = |kib: u64| num(kib as f64 / 1024.0, 1);
        let rows: [(&str, String); 12] = [
            ("suspended executions", m.suspended.to_string()),
            ("`synchronous`", format!("`{}`", m.synchronous)),
            ("resident set before (MB)", mb(m.rss_before_kib)),
            ("resident set after (MB)", mb(m.rss_after_kib)),
            (
                "growth (MB)",
                mb(m.rss_after_kib.saturating_sub(m.rss_before_kib)),
            ),
            (
                "**KiB per suspended execution**",
                format!("**{}**", num(m.kib_per_execution(), 2)),
            ),
            (
                "KiB per execution, second half only",
                num(m.marginal_kib_per_execution(), 2),
            ),
            ("peak resident set (MB)", mb(m.peak_kib)),
            (
                "database + WAL on disk (MB)",
                format!(
                    "{} + {}",
                    num(m.db_bytes as f64 / 1_048_576.0, 1),
                    num(m.wal_bytes as f64 / 1_048_576.0, 1)
                ),
            ),
            (
                "bytes on disk per execution",
                num(m.disk_bytes_per_execution(), 0),
            ),
            (
                "starting them (s, executions/s)",
                format!(
                    "{}, {}",
                    num(m.start_secs, 1),
                    num(f64::from(m.suspended) / m.start_secs, 0)
                ),
            ),
            (
                "running them until suspended (s, transactions, updates)",
                format!("{}, {}, {}", num(m.run_secs, 1), m.transactions, m.updates),
            ),
        ];
        for (k, v) in rows {
            t.row(vec![k.to_owned(), v]);
        }
        t.note(
            "Measured in a child process of the benchmark: its resident set (`VmRSS`) after \
             opening a fresh store, registering the workflows and creating the worker, then \
             after starting the executions and running each until it suspended (one step, then \
             a callback nobody answers), with the worker and the store still holding them. \
             Per execution = growth ÷ executions; the second-half figure is the growth between \
             half and all of them suspended, which leaves out one-time costs (SQLite's page \
             cache filling up, the runtime's first allocations). Resident memory includes what \
             the allocator kept after the invocations ended. Every execution is checked: running, \
             one invocation and none open, its step `SUCCEEDED` with its own value, its callback \
             `STARTED`.",
        );
        t
    }

    /// The whole report as a markdown page.
    pub fn markdown(&self) -> String {
        let mut out = String::from("# SQLite store benchmarks\n\n");
        out.push_str(
            "What the embedded engine's SQLite store (`durable_runtime::local::sqlite`) sustains on \
             this machine: durable steps per second for one sequential workflow and for many \
             concurrent ones, with and without group commit, next to the disk's sync rate \
             measured in the same run; and the memory a worker needs per suspended execution. \
             Step bodies are trivial, so what is measured is the engine and the store. Every \
             result is checked exactly.\n\n",
        );
        let _ = write!(
            out,
            "Produced by:\n\n```\ncargo run --release -p durable-bench --bin durable-store-bench -- {}\n```\n\n",
            self.args
                .iter()
                .map(|a| if a.contains(' ') { format!("'{a}'") } else { a.clone() })
                .collect::<Vec<_>>()
                .join(" ")
        );
        let mut tables = vec![self.machine_table()];
        if self.fsync.is_some() {
            tables.push(self.fsync_table());
        }
        if !self.sequential.is_empty() {
            tables.push(self.sequential_table());
        }
        if !self.concurrent.is_empty() {
            tables.push(self.concurrent_table());
            tables.push(self.concurrent_summary());
        }
        if self.memory.is_some() {
            tables.push(self.memory_table());
        }
        let sections: Vec<String> = tables.iter().map(Table::markdown).collect();
        out.push_str(&sections.join("\n"));
        out
    }
}
