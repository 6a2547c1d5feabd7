//! The seam between the engine and a backend: a small async trait over the service's
//! `CheckpointDurableExecution` and `GetDurableExecutionState` calls, and the batching rule
//! that keeps every call under the service's limits.

use crate::error::CheckpointError;
use crate::limits::{MAX_BATCH_BYTES, MAX_BATCH_UPDATES};
use crate::wire::{CheckpointRequest, CheckpointResponse, ExecutionStatePage, OperationUpdate};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the engine needs from the service. The AWS backend implements it with
/// `aws-sdk-lambda`; the local engine implements it in process.
pub trait CheckpointClient: Send + Sync + 'static {
    /// `CheckpointDurableExecution`: apply `request.updates` in order, rotate the token and
    /// return the operations that changed. The request is shared: the engine keeps it to
    /// apply the acknowledged updates locally, so a batch (with its payloads) is never copied.
    fn checkpoint(
        &self,
        execution_arn: &str,
        request: Arc<CheckpointRequest>,
    ) -> BoxFuture<'static, Result<CheckpointResponse, CheckpointError>>;

    /// `GetDurableExecutionState`: one page of recorded operations after `marker`.
    fn get_state(
        &self,
        execution_arn: &str,
        checkpoint_token: &str,
        marker: &str,
    ) -> BoxFuture<'static, Result<ExecutionStatePage, CheckpointError>>;
}

/// How many of the queued updates (from the front) fit in one call: at most
/// [`MAX_BATCH_UPDATES`] and [`MAX_BATCH_BYTES`], but always at least one so that progress is
/// made (an oversized single update is rejected by the service with a clear error instead of
/// being stuck here). A `START` and a later update of the same step or context may share a
/// batch; the service allows exactly that pairing.
pub fn batch_len<'a>(queue: impl IntoIterator<Item = &'a OperationUpdate>) -> usize {
    let mut count = 0;
    let mut bytes = 64;
    for update in queue {
        if count == MAX_BATCH_UPDATES {
            break;
        }
        let mut size = update.encoded_len_bound() + 1;
        if bytes + size > MAX_BATCH_BYTES {
            size = update.encoded_len() + 1;
        }
        if count > 0 && bytes + size > MAX_BATCH_BYTES {
            break;
        }
        count += 1;
        bytes += size;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{OperationAction, OperationType};

    fn update(payload: usize) -> OperationUpdate {
        let mut u = OperationUpdate::new("c4ca4238a0b92382", OperationType::Step, OperationAction::Succeed);
        u.payload = Some("x".repeat(payload));
        u
    }

    #[test]
    fn batches_respect_count_and_size() {
        let small: Vec<_> = (0..600).map(|_| update(10)).collect();
        assert_eq!(batch_len(&small), 250);
        let big: Vec<_> = (0..10).map(|_| update(200 * 1024)).collect();
        assert_eq!(batch_len(&big), 3);
        let huge: Vec<_> = (0..3).map(|_| update(800 * 1024)).collect();
        // an oversized update still goes out alone; the service rejects it with a clear error
        assert_eq!(batch_len(&huge), 1);
        assert_eq!(batch_len(&[]), 0);
    }
}
