//! [`DurableClient`]: thin typed wrappers over `aws-sdk-lambda` for the outside world of a
//! durable execution: answer callbacks, read an execution and its history, stop it.

use super::checkpoint::classify_sdk_error;
use super::convert::{error_from_sdk, error_to_sdk, from_datetime};
use crate::error::CheckpointError;
use crate::wire::{EpochMillis, ErrorObject};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::Event;
use aws_sdk_lambda::Client;

/// A failed call of the [`DurableClient`]: the service's exception name and message, and
/// whether retrying could help (5xx, throttling, network).
pub type ClientError = CheckpointError;

/// An execution as `GetDurableExecution` describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionInfo {
    /// The execution's ARN.
    pub arn: String,
    /// The execution's name.
    pub name: String,
    /// The function's ARN (with qualifier).
    pub function_arn: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `STOPPED`.
    pub status: String,
    /// The input as JSON text.
    pub input: Option<String>,
    /// The result as JSON text (`SUCCEEDED`).
    pub result: Option<String>,
    /// The error (`FAILED`, `TIMED_OUT`, `STOPPED`).
    pub error: Option<ErrorObject>,
    /// When it started.
    pub started: EpochMillis,
    /// When it ended.
    pub ended: Option<EpochMillis>,
}

/// Talks to the durable execution service on behalf of systems outside an execution.
#[derive(Clone, Debug)]
pub struct DurableClient {
    client: Client,
}

impl DurableClient {
    /// Wraps an SDK client.
    pub fn new(client: Client) -> Self {
        DurableClient { client }
    }

    /// A client from the standard AWS configuration (see [`super::sdk_config`]).
    pub async fn from_env() -> Self {
        Self::new(Client::new(&super::sdk_config().await))
    }

    /// The SDK client, for calls this wrapper does not cover.
    pub fn sdk(&self) -> &Client {
        &self.client
    }

    /// `SendDurableExecutionCallbackSuccess`: completes callback `callback_id` with `result`
    /// (raw bytes; the workflow's serdes decides their format, JSON by default).
    pub async fn callback_success(
        &self,
        callback_id: &str,
        result: impl Into<Vec<u8>>,
    ) -> Result<(), ClientError> {
        self.client
            .send_durable_execution_callback_success()
            .callback_id(callback_id)
            .result(Blob::new(result.into()))
            .send()
            .await
            .map_err(classify_sdk_error)?;
        Ok(())
    }

    /// `SendDurableExecutionCallbackFailure`: fails callback `callback_id` with `error`.
    pub async fn callback_failure(&self, callback_id: &str, error: &ErrorObject) -> Result<(), ClientError> {
        self.client
            .send_durable_execution_callback_failure()
            .callback_id(callback_id)
            .error(error_to_sdk(error))
            .send()
            .await
            .map_err(classify_sdk_error)?;
        Ok(())
    }

    /// `SendDurableExecutionCallbackHeartbeat`: resets the heartbeat timer of `callback_id`.
    pub async fn callback_heartbeat(&self, callback_id: &str) -> Result<(), ClientError> {
        self.client
            .send_durable_execution_callback_heartbeat()
            .callback_id(callback_id)
            .send()
            .await
            .map_err(classify_sdk_error)?;
        Ok(())
    }

    /// `GetDurableExecution`.
    pub async fn get_execution(&self, arn: &str) -> Result<ExecutionInfo, ClientError> {
        let out = self
            .client
            .get_durable_execution()
            .durable_execution_arn(arn)
            .send()
            .await
            .map_err(classify_sdk_error)?;
        Ok(ExecutionInfo {
            arn: out.durable_execution_arn().to_owned(),
            name: out.durable_execution_name().to_owned(),
            function_arn: out.function_arn().to_owned(),
            status: out.status().as_str().to_owned(),
            input: out.input_payload().map(str::to_owned),
            result: out.result().map(str::to_owned),
            error: out.error().map(error_from_sdk),
            started: from_datetime(out.start_timestamp())?,
            ended: out.end_timestamp().map(from_datetime).transpose()?,
        })
    }

    /// `GetDurableExecutionHistory`, every page, oldest event first. With `include_data`
    /// the payloads are included (otherwise the service marks them truncated).
    pub async fn history(&self, arn: &str, include_data: bool) -> Result<Vec<Event>, ClientError> {
        let mut events = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .client
                .get_durable_execution_history()
                .durable_execution_arn(arn)
                .include_execution_data(include_data)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(classify_sdk_error)?;
            events.extend(out.events().iter().cloned());
            match out.next_marker().filter(|m| !m.is_empty()) {
                Some(m) => marker = Some(m.to_owned()),
                None => return Ok(events),
            }
        }
    }

    /// The execution's history with its execution data, ready to replay the current code
    /// against ([`crate::replay::replay_history`]; `durable replay --from-aws ARN`).
    pub async fn recorded_history(&self, arn: &str) -> Result<crate::replay::RecordedHistory, ClientError> {
        let events = self.history(arn, true).await?;
        let events = events
            .iter()
            .map(super::convert::event_from_sdk)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(crate::replay::RecordedHistory::from_events(&events))
    }

    /// `StopDurableExecution`, optionally with the error to record; returns when it stopped.
    pub async fn stop(&self, arn: &str, error: Option<&ErrorObject>) -> Result<EpochMillis, ClientError> {
        let out = self
            .client
            .stop_durable_execution()
            .durable_execution_arn(arn)
            .set_error(error.map(error_to_sdk))
            .send()
            .await
            .map_err(classify_sdk_error)?;
        from_datetime(out.stop_timestamp())
    }
}
