//! `ctx.create_callback(..)`: an id an external system answers through the service's
//! callback API (PROTOCOL.md §2.6, §4.6).
//!
//! Creating the callback checkpoints CALLBACK `START` synchronously (the service mints the
//! id). Awaiting [`Callback::result`] parks until the service records the answer; errors are
//! deferred to that await: a timeout and an external failure are distinct typed errors.

use super::step::missing_in_replay;
use super::{ContextMode, DurableContext, Name};
use crate::checkpoint::BoxFuture;
use crate::error::DurableError;
use crate::execution::OpIdentity;
use crate::serdes::{Serdes, SerdesContext};
use crate::wire::{sub_type, CallbackOptions, ErrorObject, OperationAction, OperationStatus, OperationType};
use serde::de::DeserializeOwned;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

/// A callback being created; see [`DurableContext::create_callback`].
#[must_use = "a callback is created only when awaited"]
pub struct CreateCallback<T> {
    ctx: DurableContext,
    op: OpIdentity,
    timeout: Option<Duration>,
    heartbeat_timeout: Option<Duration>,
    serdes: Option<Arc<dyn Serdes<T>>>,
}

/// A created callback: its id (hand it to the external system) and its eventual result.
pub struct Callback<T> {
    ctx: DurableContext,
    op: OpIdentity,
    id: String,
    serdes: Arc<dyn Serdes<T>>,
    /// The callback had not ended when it was created (for the `operation ended` event).
    open: bool,
    _result: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Callback<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callback")
            .field("id", &self.id)
            .field("name", &self.op.name)
            .finish()
    }
}

impl DurableContext {
    /// Creates a callback named `name` whose answer is deserialized as `T` (JSON by default).
    #[track_caller]
    pub fn create_callback<T>(&self, name: impl Into<Name>) -> CreateCallback<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.create_callback_at(name, Location::caller())
    }

    /// [`DurableContext::create_callback`], created by the code at `location`.
    pub(crate) fn create_callback_at<T>(
        &self,
        name: impl Into<Name>,
        location: &'static Location<'static>,
    ) -> CreateCallback<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        CreateCallback {
            op: self.new_op_at(OperationType::Callback, sub_type::CALLBACK, name.into(), location),
            ctx: self.clone(),
            timeout: None,
            heartbeat_timeout: None,
            serdes: None,
        }
    }
}

/// Whole seconds for a callback timeout option (at least 1).
pub(crate) fn timeout_seconds(what: &str, d: Duration) -> Result<u32, DurableError> {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    if secs == 0 || secs > u64::from(u32::MAX) {
        return Err(DurableError::Validation(format!(
            "{what} must be between 1 s and {} s, got {d:?}",
            u32::MAX
        )));
    }
    Ok(secs as u32)
}

impl<T> CreateCallback<T> {
    /// Fails the callback with `Callback.Timeout` if no answer arrives within `d`.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Fails the callback with `Callback.Heartbeat` if neither an answer nor a heartbeat
    /// arrives within `d` of the previous one.
    pub fn heartbeat_timeout(mut self, d: Duration) -> Self {
        self.heartbeat_timeout = Some(d);
        self
    }

    /// Deserializes the answer with `serdes` instead of JSON.
    pub fn serdes(mut self, serdes: impl Serdes<T> + 'static) -> Self {
        self.serdes = Some(Arc::new(serdes));
        self
    }

    /// Deserializes the answer with a shared serdes.
    pub(crate) fn serdes_arc(mut self, serdes: Arc<dyn Serdes<T>>) -> Self {
        self.serdes = Some(serdes);
        self
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for CreateCallback<T> {
    type Output = Result<Callback<T>, DurableError>;
    type IntoFuture = BoxFuture<'static, Result<Callback<T>, DurableError>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let CreateCallback {
                ctx,
                op,
                timeout,
                heartbeat_timeout,
                serdes,
            } = self;
            let exec = ctx.exec().clone();
            let options = CallbackOptions {
                timeout_seconds: timeout
                    .map(|d| timeout_seconds("a callback timeout", d))
                    .transpose()
                    .map_err(|e| exec.set_fatal(e))?,
                heartbeat_timeout_seconds: heartbeat_timeout
                    .map(|d| timeout_seconds("a callback heartbeat timeout", d))
                    .transpose()
                    .map_err(|e| exec.set_fatal(e))?,
            };
            exec.trace_request(&op.id, || crate::trace::Request::Callback {
                timeout_seconds: options.timeout_seconds,
                heartbeat_timeout_seconds: options.heartbeat_timeout_seconds,
            });
            let mut record = ctx.lookup(&op)?;
            if ctx.inner.mode == ContextMode::ReplaySucceeded && record.is_none() {
                return Err(missing_in_replay(&exec, &op));
            }
            if record.is_none() {
                let mut start = op.update(OperationAction::Start);
                start.callback_options = Some(options);
                crate::telemetry::operation_started(&op);
                exec.checkpoint(start).await?;
                record = exec.lock().ops.get(&op.id).cloned();
            }
            let open = !record.as_ref().is_some_and(|r| r.status.is_terminal());
            let id = record
                .and_then(|r| r.callback_details.as_ref()?.callback_id.clone())
                .ok_or_else(|| {
                    exec.set_fatal(DurableError::Validation(format!(
                        "the service returned no CallbackId for callback {}",
                        op.label()
                    )))
                })?;
            let serdes = serdes.unwrap_or_else(|| Arc::new(JsonDecode(PhantomData)));
            Ok(Callback {
                ctx,
                op,
                id,
                serdes,
                open,
                _result: PhantomData,
            })
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> Callback<T> {
    /// The id to hand to the external system.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Waits for the answer. The invocation suspends meanwhile.
    pub async fn result(self) -> Result<T, DurableError> {
        let exec = self.ctx.exec().clone();
        let done = exec.wait_for(&self.op.id, |r| r.status.is_terminal()).await?;
        if self.open {
            crate::telemetry::operation_ended(&self.op, done.status);
        }
        let details = done.callback_details.clone().unwrap_or_default();
        let name = self.op.name.clone();
        let error = |default_type: &str| {
            Box::new(
                details
                    .error
                    .clone()
                    .unwrap_or_else(|| ErrorObject::new(default_type, "callback did not succeed")),
            )
        };
        match done.status {
            OperationStatus::Succeeded => {
                let cx = SerdesContext {
                    operation_id: &self.op.id,
                    durable_execution_arn: &exec.arn,
                };
                // The answer comes from outside: a wrong shape is the sender's fault, an error
                // the workflow can handle, not a fatal serialization failure.
                self.serdes
                    .deserialize(details.result.as_deref(), cx)
                    .map_err(|message| DurableError::InvalidPayload {
                        kind: "callback".into(),
                        name: self.op.name.as_deref().map(str::to_owned),
                        position: self.op.path.to_string(),
                        message,
                    })
            }
            OperationStatus::TimedOut => Err(DurableError::CallbackTimedOut {
                name: name.map(|s| s.to_string()),
                position: self.op.path.to_string(),
                error: error("Callback.Timeout"),
            }),
            _ => Err(DurableError::CallbackFailed {
                name: name.map(|s| s.to_string()),
                position: self.op.path.to_string(),
                error: error("CallbackError"),
            }),
        }
    }
}

/// The default answer decoder: JSON into `T` (a callback's value is never serialized by us).
struct JsonDecode<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned> Serdes<T> for JsonDecode<T> {
    fn serialize(&self, _: &T, _: SerdesContext<'_>) -> Result<String, String> {
        Err("callback results are produced by the external system, not serialized here".into())
    }

    fn deserialize(&self, data: Option<&str>, _: SerdesContext<'_>) -> Result<T, String> {
        serde_json::from_str(data.filter(|d| !d.is_empty()).unwrap_or("null")).map_err(|e| e.to_string())
    }
}
