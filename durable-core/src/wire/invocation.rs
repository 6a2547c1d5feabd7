//! The Lambda invocation event and the handler's response (PROTOCOL.md §1), and the shapes of
//! the checkpoint/state API calls (§2.3, §2.5) that the backends translate to their transport.

use super::{ErrorObject, Operation, OperationUpdate};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One page of execution state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecutionStatePage {
    /// Recorded operations, shared: a backend hands the records it holds to the engine
    /// without copying them (serde's `rc` feature reads and writes them as plain objects).
    #[serde(default)]
    pub operations: Vec<Arc<Operation>>,
    /// Non-empty ⇒ more pages must be fetched with `GetDurableExecutionState`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

impl ExecutionStatePage {
    /// The marker of the next page, if there is one (empty string = none).
    pub fn next_marker(&self) -> Option<&str> {
        self.next_marker.as_deref().filter(|m| !m.is_empty())
    }
}

/// The event Lambda delivers to a durable function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvocationInput {
    /// Execution identity.
    pub durable_execution_arn: String,
    /// Token for the first checkpoint / state call of this invocation.
    pub checkpoint_token: String,
    /// First page of recorded operations.
    #[serde(default)]
    pub initial_execution_state: ExecutionStatePage,
    /// Operations that changed while the execution was suspended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub updated_operation_ids: Vec<String>,
}

/// Final status the handler reports for one invocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvocationStatus {
    /// The execution finished with a result.
    Succeeded,
    /// The execution finished with an error.
    Failed,
    /// The execution suspended; the service re-invokes it later.
    Pending,
}

/// The handler's response (`DurableExecutionInvocationOutput`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvocationOutput {
    /// Outcome.
    pub status: InvocationStatus,
    /// The serialized result (`SUCCEEDED` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The error (`FAILED` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
}

impl InvocationOutput {
    /// `{"Status":"PENDING"}`.
    pub fn pending() -> Self {
        InvocationOutput {
            status: InvocationStatus::Pending,
            result: None,
            error: None,
        }
    }

    /// `{"Status":"SUCCEEDED","Result":…}`.
    pub fn succeeded(result: impl Into<String>) -> Self {
        InvocationOutput {
            status: InvocationStatus::Succeeded,
            result: Some(result.into()),
            error: None,
        }
    }

    /// `{"Status":"FAILED","Error":…}`.
    pub fn failed(error: ErrorObject) -> Self {
        InvocationOutput {
            status: InvocationStatus::Failed,
            result: None,
            error: Some(error),
        }
    }
}

/// `CheckpointDurableExecution` request body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckpointRequest {
    /// The current (single-use) token.
    pub checkpoint_token: String,
    /// Idempotency token for a retried identical call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    /// The batch, in order.
    pub updates: Vec<OperationUpdate>,
}

/// `CheckpointDurableExecution` response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckpointResponse {
    /// The next token; absent when the execution completed or the token was revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_token: Option<String>,
    /// Operations that changed since this invocation last looked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_execution_state: Option<ExecutionStatePage>,
}
