//! [`BatchResult`]: the outcome of a `map` or `parallel`, item by item, in index order.

use crate::error::DurableError;
use crate::wire::ErrorObject;
use serde::{Deserialize, Serialize};

/// Why a batch stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CompletionReason {
    /// Every item finished.
    AllCompleted,
    /// `min_successful` items succeeded.
    MinSuccessfulReached,
    /// More items failed than tolerated (the default tolerates none).
    FailureToleranceExceeded,
}

/// The state of one item in a [`BatchResult`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ItemStatus {
    /// Finished with a result.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Still running when the batch completed early.
    Started,
}

/// One item of a batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItem<T> {
    /// Position in the input (0-based).
    pub index: usize,
    /// Outcome.
    pub status: ItemStatus,
    /// The result, if it succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<T>,
    /// The error, if it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
}

/// The outcome of a `map` or `parallel`: every started item, in index order, and why the
/// batch completed. Item failures do not make the batch itself fail; call
/// [`BatchResult::throw_if_error`] for that.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResult<T> {
    /// Every started item (items never started are absent), by index.
    pub all: Vec<BatchItem<T>>,
    /// Why the batch completed.
    pub completion_reason: CompletionReason,
}

impl<T> BatchResult<T> {
    /// `SUCCEEDED`, or `FAILED` if any item failed.
    pub fn status(&self) -> &'static str {
        if self.has_failure() {
            "FAILED"
        } else {
            "SUCCEEDED"
        }
    }

    /// Whether any item failed.
    pub fn has_failure(&self) -> bool {
        self.all.iter().any(|i| i.status == ItemStatus::Failed)
    }

    /// Items that succeeded.
    pub fn succeeded(&self) -> impl Iterator<Item = &BatchItem<T>> {
        self.all.iter().filter(|i| i.status == ItemStatus::Succeeded)
    }

    /// Items that failed.
    pub fn failed(&self) -> impl Iterator<Item = &BatchItem<T>> {
        self.all.iter().filter(|i| i.status == ItemStatus::Failed)
    }

    /// Items still running when the batch completed.
    pub fn started(&self) -> impl Iterator<Item = &BatchItem<T>> {
        self.all.iter().filter(|i| i.status == ItemStatus::Started)
    }

    /// How many succeeded.
    pub fn success_count(&self) -> usize {
        self.succeeded().count()
    }

    /// How many failed.
    pub fn failure_count(&self) -> usize {
        self.failed().count()
    }

    /// How many were still running.
    pub fn started_count(&self) -> usize {
        self.started().count()
    }

    /// How many items were started in all.
    pub fn total_count(&self) -> usize {
        self.all.len()
    }

    /// The results of the items that succeeded, in index order.
    pub fn results(&self) -> Vec<&T> {
        self.all.iter().filter_map(|i| i.result.as_ref()).collect()
    }

    /// The results, consumed, in index order.
    pub fn into_results(self) -> Vec<T> {
        self.all.into_iter().filter_map(|i| i.result).collect()
    }

    /// The errors of the items that failed, in index order.
    pub fn errors(&self) -> Vec<&ErrorObject> {
        self.all.iter().filter_map(|i| i.error.as_ref()).collect()
    }

    /// Fails with the first item error (by index), if any.
    pub fn throw_if_error(&self) -> Result<(), DurableError> {
        match self.failed().next() {
            Some(item) => Err(DurableError::Failed(Box::new(item.error.clone().unwrap_or_else(
                || ErrorObject::new("BatchItemError", format!("item {} failed", item.index)),
            )))),
            None => Ok(()),
        }
    }

    /// The summary stored instead of a result too large to checkpoint.
    pub(crate) fn summary(&self, kind: &str) -> String {
        serde_json::json!({
            "type": kind,
            "totalCount": self.total_count(),
            "successCount": self.success_count(),
            "failureCount": self.failure_count(),
            "startedCount": self.started_count(),
            "completionReason": self.completion_reason,
            "status": self.status(),
        })
        .to_string()
    }
}
