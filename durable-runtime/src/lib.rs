//! **durable**: durable workflow functions in Rust, for AWS Lambda durable executions and a
//! local engine.
//!
//! This is the crate applications depend on. It re-exports the engine
//! ([`durable_core`]) and provides the backends: [`local`] (the service's semantics in
//! process, over a store) and [`testing`] (a test runner with virtual time and step mocks).

pub use durable_core::*;

pub mod local;
pub mod testing;

/// What workflow code usually needs.
pub mod prelude {
    pub use durable_core::{
        workflow_fn, DurableContext, DurableError, Jitter, RetryPolicy, RetryPresets, StepSemantics, Workflow,
    };
    pub use std::time::Duration;
}
