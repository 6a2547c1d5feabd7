//! Per-execution settings a backend hands the engine: where logs go and, in tests, which
//! steps are mocked.

use crate::logger::{AutoSink, LogSink};
use crate::wire::ErrorObject;
use std::sync::Arc;

/// A canned outcome for a step, used instead of running its body.
#[derive(Clone, Debug, PartialEq)]
pub enum MockOutcome {
    /// The step returns this JSON value.
    Succeed(serde_json::Value),
    /// The step body fails with this error (the retry strategy still applies).
    Fail(ErrorObject),
}

/// The step an interceptor is asked about.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct StepRef<'a> {
    /// The step's name, if it has one.
    pub name: Option<&'a str>,
    /// The names of its enclosing contexts and its own, from the root, joined by `/`
    /// (`"charge-all/map-item-1/charge"`; an unnamed context or step is `-`), as the
    /// operation's `ParentId` chain in history spells it.
    pub path: &'a str,
    /// The operation id.
    pub id: &'a str,
}

/// Lets a test runner replace step bodies by name or path.
pub trait StepInterceptor: Send + Sync {
    /// The outcome to use for attempt `attempt` (1-based) of `step`, or `None` to run the
    /// real body.
    fn intercept(&self, step: &StepRef<'_>, attempt: u32) -> Option<MockOutcome>;

    /// Whether it intercepts nothing at the moment (no mock set): the SDK then skips building
    /// the step's path. Asked before every step attempt, so mocks added later still apply.
    fn is_idle(&self) -> bool {
        false
    }
}

/// Settings for one execution.
#[derive(Clone)]
pub struct ExecutionConfig {
    /// Where replay-aware log records go. The default, [`AutoSink`], makes them `tracing`
    /// events when a subscriber is installed and JSON lines on standard output (the format
    /// CloudWatch-based checks filter on) otherwise; [`JsonLinesSink`](crate::logger::JsonLinesSink) or
    /// [`TracingSink`](crate::logger::TracingSink) force one of them.
    pub log_sink: Arc<dyn LogSink>,
    /// Step mocks (test runner only).
    pub step_interceptor: Option<Arc<dyn StepInterceptor>>,
    /// Instrumentation plugins, in registration order.
    pub plugins: Vec<Arc<dyn crate::plugin::Plugin>>,
    /// Records what the workflow asks of the service, for the replay checker (see
    /// [`crate::trace`]); `None` (the default) records nothing.
    pub trace: Option<Arc<crate::trace::TraceRecorder>>,
    /// The execution's wall clock: what `ctx.now()` records and log records are stamped
    /// with (default: the system clock; the test runner's is virtual).
    pub clock: Arc<dyn crate::clock::WallClock>,
}

impl Default for ExecutionConfig {
    fn default() -> Self {
        ExecutionConfig {
            log_sink: Arc::new(AutoSink),
            step_interceptor: None,
            plugins: Vec::new(),
            trace: None,
            clock: Arc::new(crate::clock::SystemWallClock),
        }
    }
}

impl std::fmt::Debug for ExecutionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecutionConfig")
            .field("step_interceptor", &self.step_interceptor.is_some())
            .field("trace", &self.trace.is_some())
            .finish_non_exhaustive()
    }
}
