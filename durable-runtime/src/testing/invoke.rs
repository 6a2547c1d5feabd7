//! Chained invokes as a test run records them.

use crate::local::ExecutionRecord;
use durable_core::wire::ErrorObject;
use serde::de::DeserializeOwned;

/// What answered a chained invoke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvokeTarget {
    /// A mock ([`TestRunner::mock_invoke`](super::TestRunner::mock_invoke) and friends).
    Mock,
    /// A registered workflow, run as an execution of its own
    /// ([`InvokeCall::execution`] holds its record).
    Workflow,
    /// A registered plain function.
    Function,
    /// Nothing: the invoke failed with `ResourceNotFoundException`, as on Lambda.
    Missing,
}

/// One chained invoke (`ctx.invoke(..)`) of a test run: what was asked, and what answered.
#[derive(Clone, Debug, PartialEq)]
pub struct InvokeCall {
    /// The execution that invoked (the run's own, or an invoked workflow's).
    pub caller_arn: String,
    /// The CHAINED_INVOKE operation's id.
    pub operation_id: String,
    /// The operation's name (`ctx.invoke(name, ..)`).
    pub operation_name: Option<String>,
    /// The function invoked.
    pub function_name: String,
    /// The input, as JSON (`null` without one).
    pub input: serde_json::Value,
    /// What answered it.
    pub target: InvokeTarget,
    /// The result (`null` without one) or the error, as recorded on the operation.
    pub outcome: Result<serde_json::Value, ErrorObject>,
    /// The invoked workflow's execution, at its end (for [`InvokeTarget::Workflow`]).
    pub execution: Option<Box<ExecutionRecord>>,
}

impl InvokeCall {
    /// The input, deserialized as `T`.
    pub fn input_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.input)
    }

    /// Whether `name` is this invoke's operation name or function name.
    pub fn is_named(&self, name: &str) -> bool {
        self.operation_name.as_deref() == Some(name) || self.function_name == name
    }
}
