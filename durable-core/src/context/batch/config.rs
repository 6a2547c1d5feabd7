//! How a batch runs: concurrency, when it completes, and how items are nested.

use super::result::CompletionReason;
use crate::error::DurableError;

/// When a batch may complete before every item has run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompletionConfig {
    /// Complete once this many items succeeded.
    pub min_successful: Option<usize>,
    /// Stop once more than this many items failed.
    pub tolerated_failure_count: Option<usize>,
    /// Stop once more than this percentage of all items failed (equal is tolerated).
    pub tolerated_failure_percentage: Option<f64>,
}

impl CompletionConfig {
    /// Stop at the first failure (the default when nothing is configured).
    pub fn fail_fast() -> Self {
        CompletionConfig {
            tolerated_failure_count: Some(0),
            ..Default::default()
        }
    }

    /// Run everything whatever fails.
    pub fn all_completed() -> Self {
        CompletionConfig {
            tolerated_failure_percentage: Some(100.0),
            ..Default::default()
        }
    }

    /// Complete as soon as one item succeeds.
    pub fn first_successful() -> Self {
        CompletionConfig {
            min_successful: Some(1),
            ..Default::default()
        }
    }

    /// Complete once `n` items succeeded.
    pub fn min_successful(mut self, n: usize) -> Self {
        self.min_successful = Some(n);
        self
    }

    /// Tolerate `n` failures.
    pub fn tolerated_failures(mut self, n: usize) -> Self {
        self.tolerated_failure_count = Some(n);
        self
    }

    /// Tolerate failures up to `percent` of all items.
    pub fn tolerated_failure_percentage(mut self, percent: f64) -> Self {
        self.tolerated_failure_percentage = Some(percent);
        self
    }

    pub(crate) fn validate(&self) -> Result<(), DurableError> {
        if let Some(p) = self.tolerated_failure_percentage {
            if !(0.0..=100.0).contains(&p) {
                return Err(DurableError::Validation(format!(
                    "tolerated failure percentage must be between 0 and 100, got {p}"
                )));
            }
        }
        Ok(())
    }

    /// Whether the batch is complete after `succeeded` successes and `failed` failures out
    /// of `total` items, and why.
    pub(crate) fn reason(&self, succeeded: usize, failed: usize, total: usize) -> Option<CompletionReason> {
        let nothing_configured = self.min_successful.is_none()
            && self.tolerated_failure_count.is_none()
            && self.tolerated_failure_percentage.is_none();
        let exceeded = if nothing_configured {
            failed > 0
        } else {
            self.tolerated_failure_count.is_some_and(|n| failed > n)
                || self
                    .tolerated_failure_percentage
                    .is_some_and(|p| total > 0 && (failed as f64) / (total as f64) * 100.0 > p)
        };
        if exceeded {
            Some(CompletionReason::FailureToleranceExceeded)
        } else if self.min_successful.is_some_and(|n| succeeded >= n) {
            Some(CompletionReason::MinSuccessfulReached)
        } else if succeeded + failed == total {
            Some(CompletionReason::AllCompleted)
        } else {
            None
        }
    }
}

/// How items are recorded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Nesting {
    /// Each item is a child context of its own (`MapIteration` / `ParallelBranch`).
    #[default]
    Nested,
    /// Items run in virtual contexts: their operations are recorded directly under the batch.
    Flat,
}

/// Concurrency, completion and nesting of a batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchConfig {
    /// Most items running at once (`None` = all).
    pub max_concurrency: Option<usize>,
    /// When to complete early.
    pub completion: CompletionConfig,
    /// How items are recorded.
    pub nesting: Nesting,
}

impl BatchConfig {
    pub(crate) fn validate(&self) -> Result<(), DurableError> {
        if self.max_concurrency == Some(0) {
            return Err(DurableError::Validation(
                "max concurrency must be at least 1 (or unset for no limit), got 0".into(),
            ));
        }
        self.completion.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_rules_follow_the_sdks() {
        let fail_fast = CompletionConfig::default();
        assert_eq!(
            fail_fast.reason(1, 1, 3),
            Some(CompletionReason::FailureToleranceExceeded)
        );
        assert_eq!(fail_fast.reason(3, 0, 3), Some(CompletionReason::AllCompleted));
        let one = CompletionConfig::default().tolerated_failures(1);
        assert_eq!(one.reason(0, 1, 3), None);
        assert_eq!(
            one.reason(0, 2, 3),
            Some(CompletionReason::FailureToleranceExceeded)
        );
        let pct = CompletionConfig::default().tolerated_failure_percentage(25.0);
        assert_eq!(pct.reason(0, 1, 4), None, "equal to the tolerance is tolerated");
        assert_eq!(
            pct.reason(0, 2, 4),
            Some(CompletionReason::FailureToleranceExceeded)
        );
        let min = CompletionConfig::default().min_successful(2);
        assert_eq!(min.reason(2, 0, 4), Some(CompletionReason::MinSuccessfulReached));
        assert_eq!(
            min.reason(1, 1, 4),
            None,
            "min-successful alone does not fail fast"
        );
        let both = CompletionConfig::default()
            .min_successful(3)
            .tolerated_failures(1);
        assert_eq!(
            both.reason(0, 2, 4),
            Some(CompletionReason::FailureToleranceExceeded)
        );
        assert!(BatchConfig {
            max_concurrency: Some(0),
            ..Default::default()
        }
        .validate()
        .is_err());
        assert!(CompletionConfig::default()
            .tolerated_failure_percentage(120.0)
            .validate()
            .is_err());
    }
}
