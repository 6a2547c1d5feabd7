//! `ctx.invoke(..)`: run another function (durable or plain) and wait for its result
//! (PROTOCOL.md §4.7). CHAINED_INVOKE `START{Payload, ChainedInvokeOptions}` is checkpointed
//! synchronously; the invocation suspends until the service records the target's outcome.

use super::step::missing_in_replay;
use super::{ContextMode, DurableContext, Name};
use crate::checkpoint::BoxFuture;
use crate::error::DurableError;
use crate::execution::OpIdentity;
use crate::limits::MAX_OPERATION_PAYLOAD_BYTES;
use crate::serdes::{JsonEncode, JsonSerdes, Serdes, SerdesContext};
use crate::wire::{
    sub_type, ChainedInvokeOptions, ErrorObject, OperationAction, OperationStatus, OperationType,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::IntoFuture;
use std::sync::Arc;

/// A chained invoke, created by [`DurableContext::invoke`].
#[must_use = "an invoke does nothing until it is awaited"]
pub struct Invoke<I, O> {
    ctx: DurableContext,
    op: OpIdentity,
    function_name: String,
    input: I,
    tenant_id: Option<String>,
    payload_serdes: Option<Arc<dyn Serdes<I>>>,
    result_serdes: Option<Arc<dyn Serdes<O>>>,
}

impl DurableContext {
    /// Invokes `function_name` with `input` and waits for its result, deserialized as `O`.
    /// A durable target runs as its own execution. Failure of the target is
    /// [`DurableError::InvokeFailed`] with the target's error.
    #[track_caller]
    pub fn invoke<I, O>(
        &self,
        name: impl Into<Name>,
        function_name: impl Into<String>,
        input: I,
    ) -> Invoke<I, O>
    where
        I: Serialize + Send + 'static,
        O: Serialize + DeserializeOwned + Send + 'static,
    {
        Invoke {
            op: self.new_op(
                OperationType::ChainedInvoke,
                sub_type::CHAINED_INVOKE,
                name.into(),
            ),
            ctx: self.clone(),
            function_name: function_name.into(),
            input,
            tenant_id: None,
            payload_serdes: None,
            result_serdes: None,
        }
    }
}

impl<I, O> Invoke<I, O> {
    /// Runs the target in tenant `tenant_id`.
    pub fn tenant_id(mut self, tenant_id: impl Into<String>) -> Self {
        self.tenant_id = Some(tenant_id.into());
        self
    }

    /// Serializes the input with `serdes`.
    pub fn payload_serdes(mut self, serdes: impl Serdes<I> + 'static) -> Self {
        self.payload_serdes = Some(Arc::new(serdes));
        self
    }

    /// Deserializes the result with `serdes`.
    pub fn result_serdes(mut self, serdes: impl Serdes<O> + 'static) -> Self {
        self.result_serdes = Some(Arc::new(serdes));
        self
    }
}

impl<I, O> IntoFuture for Invoke<I, O>
where
    I: Serialize + Send + 'static,
    O: Serialize + DeserializeOwned + Send + 'static,
{
    type Output = Result<O, DurableError>;
    type IntoFuture = BoxFuture<'static, Result<O, DurableError>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let Invoke {
                ctx,
                op,
                function_name,
                input,
                tenant_id,
                payload_serdes,
                result_serdes,
            } = self;
            let exec = ctx.exec().clone();
            let record = ctx.lookup(&op)?;
            if ctx.inner.mode == ContextMode::ReplaySucceeded
                && !record.as_ref().is_some_and(|r| r.status.is_terminal())
            {
                return Err(missing_in_replay(&exec, &op));
            }
            let traced = exec.tracer().is_some();
            // The input is only serialized to start the invoke, or for the replay checker.
            let encoded = (record.is_none() || traced).then(|| {
                let cx = SerdesContext {
                    operation_id: &op.id,
                    durable_execution_arn: &exec.arn,
                };
                let serdes: Arc<dyn Serdes<I>> =
                    payload_serdes.unwrap_or_else(|| Arc::new(JsonEncode::new()));
                serdes.serialize(&input, cx)
            });
            exec.trace_request(&op.id, || crate::trace::Request::Invoke {
                function_name: function_name.clone(),
                tenant_id: tenant_id.clone(),
                input: encoded.as_ref().and_then(|e| e.as_ref().ok()).cloned(),
            });
            if let (None, Some(encoded)) = (&record, encoded) {
                if function_name.is_empty() {
                    return Err(exec.set_fatal(DurableError::Validation(format!(
                        "invoke {} names no function",
                        op.label()
                    ))));
                }
                let payload = encoded.map_err(|message| {
                    exec.set_fatal(DurableError::Serdes {
                        operation: op.label(),
                        message,
                    })
                })?;
                if payload.len() > MAX_OPERATION_PAYLOAD_BYTES {
                    return Err(exec.set_fatal(DurableError::PayloadTooLarge {
                        operation: format!("input of invoke {}", op.label()),
                        size: payload.len(),
                        limit: MAX_OPERATION_PAYLOAD_BYTES,
                    }));
                }
                let mut start = op.update(OperationAction::Start);
                start.payload = Some(payload);
                start.chained_invoke_options = Some(ChainedInvokeOptions {
                    function_name,
                    tenant_id,
                });
                crate::telemetry::operation_started(&op);
                exec.checkpoint(start).await?;
            }
            let open = !record.as_ref().is_some_and(|r| r.status.is_terminal());
            let done = exec.wait_for(&op.id, |r| r.status.is_terminal()).await?;
            if open {
                crate::telemetry::operation_ended(&op, done.status);
            }
            let details = done.chained_invoke_details.clone().unwrap_or_default();
            if done.status == OperationStatus::Succeeded {
                let cx = SerdesContext {
                    operation_id: &op.id,
                    durable_execution_arn: &exec.arn,
                };
                let serdes: Arc<dyn Serdes<O>> = result_serdes.unwrap_or_else(|| Arc::new(JsonSerdes::new()));
                // Another function's result: a shape that does not decode is an error the
                // workflow can handle, not a fatal serialization failure of its own values.
                return serdes
                    .deserialize(details.result.as_deref(), cx)
                    .map_err(|message| DurableError::InvalidPayload {
                        kind: "invoke".into(),
                        name: op.name.as_deref().map(str::to_owned),
                        position: op.path.to_string(),
                        message,
                    });
            }
            let error = details.error.unwrap_or_else(|| {
                ErrorObject::new(
                    "InvokeError",
                    format!("the invoked function ended {}", done.status.as_str()),
                )
            });
            Err(DurableError::InvokeFailed {
                name: op.name.as_deref().map(str::to_owned),
                position: op.path.to_string(),
                error: Box::new(error),
            })
        })
    }
}
