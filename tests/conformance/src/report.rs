//! Formats verdicts: one human row or JSON line per requirement, then a summary.

use std::time::Duration;

use serde::Serialize;

use crate::runner::{Status, Verdict};

/// Counts of verdicts by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `PASSED` verdicts.
    pub passed: usize,
    /// `FAILED` verdicts.
    pub failed: usize,
    /// `NOT_IMPLEMENTED` verdicts.
    pub not_implemented: usize,
    /// `OPTIONAL_FAILED` verdicts.
    pub optional_failed: usize,
}

impl Summary {
    /// Counts `verdicts`.
    pub fn of(verdicts: &[Verdict]) -> Self {
        let mut summary = Self::default();
        for verdict in verdicts {
            match verdict.status {
                Status::Passed => summary.passed += 1,
                Status::Failed => summary.failed += 1,
                Status::NotImplemented => summary.not_implemented += 1,
                Status::OptionalFailed => summary.optional_failed += 1,
            }
        }
        summary
    }

    /// Total number of verdicts.
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.not_implemented + self.optional_failed
    }

    /// Whether the run succeeded: nothing `FAILED` (optional failures and gaps don't block).
    pub fn ok(&self) -> bool {
        self.failed == 0
    }
}

/// One human-readable line, e.g. `PASSED  step/1-1  Step basic (succeeds on first attempt)  [0.01s]`.
/// Line breaks inside the detail are shown as ` | ` so each requirement stays on one line.
pub fn human_row(verdict: &Verdict) -> String {
    let detail = verdict.detail.trim().replace("\r\n", " | ").replace('\n', " | ");
    format!(
        "{}  {}/{}  {}  [{:.2}s]",
        verdict.status,
        verdict.suite,
        verdict.id,
        detail,
        verdict.elapsed.as_secs_f64()
    )
}

/// The human summary line, e.g.
/// `124 requirements on local: 120 passed, 1 failed, 2 optional failed, 1 not implemented in 3.20s`.
pub fn human_summary(summary: &Summary, backend: &str, elapsed: Duration) -> String {
    format!(
        "{} requirements on {backend}: {} passed, {} failed, {} optional failed, {} not implemented in {:.2}s",
        summary.total(),
        summary.passed,
        summary.failed,
        summary.optional_failed,
        summary.not_implemented,
        elapsed.as_secs_f64()
    )
}

/// One JSON object `{"id","suite","backend","status","detail"}` on a single line.
pub fn json_row(verdict: &Verdict) -> String {
    serde_json::to_string(verdict)
        .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialize verdict: {e}\"}}"))
}

/// The last JSON line: `{"summary":{"passed":N,"failed":N,"not_implemented":N,"optional_failed":N}}`.
pub fn json_summary(summary: &Summary) -> String {
    #[derive(Serialize)]
    struct Wrapper<'a> {
        summary: &'a Summary,
    }
    serde_json::to_string(&Wrapper { summary })
        .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialize summary: {e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(status: Status, detail: &str) -> Verdict {
        Verdict {
            id: "1-1".into(),
            suite: "step".into(),
            backend: "fake".into(),
            status,
            detail: detail.into(),
            errors: Vec::new(),
            elapsed: Duration::from_millis(1500),
        }
    }

    #[test]
    fn rows_and_summaries() {
        let verdicts = [
            verdict(Status::Passed, "Step basic"),
            verdict(Status::Failed, "line1\nline2"),
            verdict(Status::NotImplemented, "no plugins"),
            verdict(Status::OptionalFailed, "x"),
            verdict(Status::Passed, ""),
        ];
        assert_eq!(human_row(&verdicts[0]), "PASSED  step/1-1  Step basic  [1.50s]");
        assert_eq!(
            human_row(&verdicts[1]),
            "FAILED  step/1-1  line1 | line2  [1.50s]"
        );
        assert_eq!(
            json_row(&verdicts[2]),
            r#"{"id":"1-1","suite":"step","backend":"fake","status":"NOT_IMPLEMENTED","detail":"no plugins"}"#
        );
        let summary = Summary::of(&verdicts);
        assert_eq!(
            json_summary(&summary),
            r#"{"summary":{"passed":2,"failed":1,"not_implemented":1,"optional_failed":1}}"#
        );
        assert!(!summary.ok());
        assert_eq!(
            human_summary(&summary, "fake", Duration::from_secs(2)),
            "5 requirements on fake: 2 passed, 1 failed, 1 optional failed, 1 not implemented in 2.00s"
        );
    }
}
