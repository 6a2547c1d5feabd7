//! The replay/checkpoint engine of **durable**: Rust durable workflow functions, wire
//! compatible with the AWS Lambda durable execution service.
//!
//! A workflow is an ordinary `async fn` that performs *durable operations* through a
//! [`DurableContext`]: steps whose results are checkpointed, waits that suspend without
//! compute, child contexts. Each invocation re-runs the function from the top; operations
//! already in history return their recorded outcome instead of running again (*replay*),
//! and a mismatch between code and history is detected and fails the execution.
//!
//! This crate does no I/O of its own: a backend hands it the invocation event and a
//! [`CheckpointClient`], and it returns the invocation's response. Users normally depend on
//! `durable-runtime`, which re-exports this crate and provides the backends.
//!
//! ```
//! use durable_core::{workflow_fn, DurableContext, DurableError};
//! use std::time::Duration;
//!
//! let greet = workflow_fn("greet", |ctx: DurableContext, name: String| async move {
//!     let greeting: String = ctx
//!         .step("compose", move |_| async move { Ok::<_, DurableError>(format!("Hello, {name}!")) })
//!         .await?;
//!     ctx.wait("pause", Duration::from_secs(60)).await?;
//!     Ok(greeting)
//! });
//! # let _ = greet;
//! ```

pub mod checkpoint;
mod clock;
pub mod config;
mod context;
pub mod error;
mod execution;
pub mod history;
pub mod id;
pub mod invocation;
pub mod limits;
pub mod logger;
pub mod manifest;
pub mod plugin;
pub mod retry;
pub mod serdes;
pub mod shadow;
pub mod telemetry;
pub mod trace;
pub mod wire;
pub mod workflow;

pub use checkpoint::{BoxFuture, CheckpointClient};
pub use clock::{SystemWallClock, WallClock};
pub use config::{ExecutionConfig, MockOutcome, StepInterceptor, StepRef};
pub use context::{
    BatchConfig, BatchItem, BatchResult, Branch, Callback, ChildContext, CompletionConfig, CompletionReason,
    CreateCallback, DurableContext, DurableFuture, Invoke, ItemStatus, Map, Name, Nesting, Parallel,
    PollingPolicy, Saga, Settled, Step, StepContext, StepDefinition, StepReturn, StepSemantics, Wait,
    WaitDecision, WaitForCallback, WaitForCondition, WaitStrategy,
};
pub use error::{CheckpointError, DurableError, InvocationError, NonDeterminism};
pub use invocation::run_invocation;
pub use logger::{AutoSink, JsonLinesSink, Level, LogRecord, LogSink, Logger, TracingSink};
pub use manifest::{OperationSpec, WorkflowManifest};
pub use plugin::{AttemptOutcome, InvocationEnd, InvocationStart, OperationInfo, Plugin};
pub use retry::{Jitter, RetryDecision, RetryPolicy, RetryPresets, RetryStrategy, StepFailure};
pub use serdes::{serdes_fn, JsonSerdes, Serdes, SerdesContext};
pub use workflow::{workflow_fn, FnWorkflow, Workflow};
