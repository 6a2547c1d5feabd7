//! The engine side of the checkpoint seam for the local engine: calls go straight into the
//! service logic over the store, in process.

use super::clock::Clock;
use super::service;
use super::store::{self, Store, StoreError};
use durable_core::wire::{CheckpointRequest, CheckpointResponse, EpochMillis, ExecutionStatePage};
use durable_core::{BoxFuture, CheckpointClient, CheckpointError};
use std::sync::Arc;

/// [`CheckpointClient`] over a local [`Store`].
pub(crate) struct LocalClient {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    /// Operations per state page (`None` = everything in one page).
    pub page_size: Option<usize>,
}

fn store_error(e: StoreError) -> CheckpointError {
    match e {
        StoreError::NotFound(arn) => {
            CheckpointError::terminal("ResourceNotFoundException", format!("no execution {arn}"))
        }
        other => CheckpointError::retryable("ServiceException", other.to_string()),
    }
}

impl CheckpointClient for LocalClient {
    fn checkpoint(
        &self,
        execution_arn: &str,
        request: Arc<CheckpointRequest>,
    ) -> BoxFuture<'static, Result<CheckpointResponse, CheckpointError>> {
        let now = EpochMillis(self.clock.now_ms());
        if self.store.submits_at_once() {
            // What `store::apply` does over such a store, without deferring: the update runs
            // and is committed now.
            let mut out = None;
            let stored = self.store.update(execution_arn, &mut |record| {
                out = Some(service::checkpoint(
                    record,
                    &request.checkpoint_token,
                    &request.updates,
                    now,
                ));
            });
            let response = stored
                .and_then(|()| {
                    out.ok_or_else(|| {
                        StoreError::Backend(format!("the update of execution `{execution_arn}` did not run"))
                    })
                })
                .map_err(store_error)
                .and_then(|result| result)
                .map(|(token, operations)| CheckpointResponse {
                    checkpoint_token: token,
                    new_execution_state: Some(ExecutionStatePage {
                        operations,
                        next_marker: None,
                    }),
                });
            return Box::pin(std::future::ready(response));
        }
        // Submitted now, committed when the store commits (with other executions' updates).
        let committed = store::apply(&*self.store, execution_arn, move |record| {
            service::checkpoint(record, &request.checkpoint_token, &request.updates, now)
        });
        Box::pin(async move {
            let (token, operations) = committed.await.map_err(store_error)??;
            Ok(CheckpointResponse {
                checkpoint_token: token,
                new_execution_state: Some(ExecutionStatePage {
                    operations,
                    next_marker: None,
                }),
            })
        })
    }

    fn get_state(
        &self,
        execution_arn: &str,
        checkpoint_token: &str,
        marker: &str,
    ) -> BoxFuture<'static, Result<ExecutionStatePage, CheckpointError>> {
        let page = self
            .store
            .get(execution_arn)
            .map_err(store_error)
            .and_then(|record| {
                if record.token.as_deref() != Some(checkpoint_token) {
                    return Err(service::invalid("Invalid checkpoint token"));
                }
                let start: usize = marker
                    .parse()
                    .map_err(|_| service::invalid(format!("invalid marker `{marker}`")))?;
                Ok(page_of(&record.operations, start, self.page_size))
            });
        Box::pin(std::future::ready(page))
    }
}

/// The page of `operations` starting at index `start`.
pub(crate) fn page_of(
    operations: &[Arc<durable_core::wire::Operation>],
    start: usize,
    page_size: Option<usize>,
) -> ExecutionStatePage {
    let end = page_size.map_or(operations.len(), |n| (start + n.max(1)).min(operations.len()));
    let start = start.min(end);
    ExecutionStatePage {
        operations: operations[start..end].to_vec(),
        next_marker: (end < operations.len()).then(|| end.to_string()),
    }
}
