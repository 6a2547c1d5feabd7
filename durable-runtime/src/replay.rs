//! Replaying recorded histories: the safety net when a code change ships while executions are
//! in flight. The current build of a workflow is replayed against an execution recorded by an
//! earlier build (no step body runs, nothing is sent anywhere), and the first place where the
//! code now asks for something else is reported: the operation, its position, the source
//! location of the call, what history recorded and what the code does now.
//!
//! A history comes from the service (`GetDurableExecutionHistory` with
//! `IncludeExecutionData=true`, or `GetDurableExecutionState`), from the local engine
//! (`durable history ARN --json`), or from a test run ([`TestResult::history`]);
//! [`RecordedHistory::from_json`] reads any of them. From the command line:
//! `durable replay --history FILE [--workflow NAME]`.
//!
//! ```
//! use durable_runtime::prelude::*;
//! use durable_runtime::replay::{replay_history, RecordedHistory};
//! use durable_runtime::testing::TestRunner;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let v1 = workflow_fn("order", |ctx: DurableContext, _: ()| async move {
//!     ctx.step("reserve", |_| async { Ok::<_, DurableError>(1) }).await?;
//!     ctx.step("charge", |_| async { Ok::<_, DurableError>(2) }).await
//! });
//! let recorded = TestRunner::new(v1).run(&()).await.unwrap();
//! let history = RecordedHistory::from_events(recorded.history());
//!
//! // The next build charges first: executions recorded by the old one would break.
//! let v2 = workflow_fn("order", |ctx: DurableContext, _: ()| async move {
//!     ctx.step("charge", |_| async { Ok::<_, DurableError>(2) }).await?;
//!     ctx.step("reserve", |_| async { Ok::<_, DurableError>(1) }).await
//! });
//! let report = replay_history(v2, &history).await;
//! assert!(!report.is_ok());
//! assert!(report.to_string().contains("history has: STEP \"reserve\""), "{report}");
//! # });
//! ```
//!
//! [`TestResult::history`]: crate::testing::TestResult::history

use durable_core::history::{operations_from_events, outcome_from_events, RecordedOutcome};
use durable_core::shadow::shadow_replay;
use durable_core::trace::{ReplayState, RunEnd, Trace};
use durable_core::wire::{Event, Operation, OperationType};
use durable_core::{DurableError, Workflow};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// An execution as recorded: its operations, and how it ended if the history says.
#[derive(Clone, Debug, Default)]
pub struct RecordedHistory {
    /// The operations, in the order they were first recorded (the `EXECUTION` operation, with
    /// the input, first).
    pub operations: Vec<Operation>,
    /// How the execution ended, if it did and the history says (state pages do not).
    pub outcome: Option<RecordedOutcome>,
    /// The name on the `ExecutionStarted` event, if any (the local engine records the
    /// workflow's name there; the service, the execution's name).
    pub started_as: Option<String>,
}

/// Why a history could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// Not JSON.
    #[error("the history is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON of another shape.
    #[error(
        "not a recorded history: expected a GetDurableExecutionHistory response ({{\"Events\": [..]}}), \
         a GetDurableExecutionState response ({{\"Operations\": [..]}}), or an array of either's items ({0})"
    )]
    Shape(String),
    /// A history event that does not parse.
    #[error("history event {0} does not parse: {1}")]
    Event(Value, serde_json::Error),
    /// No `EXECUTION` operation (or `ExecutionStarted` event): the input is unknown.
    #[error("the history holds no EXECUTION operation (ExecutionStarted event): its input is unknown")]
    NoExecution,
}

impl RecordedHistory {
    /// From history events (`GetDurableExecutionHistory`, `durable history --json`, a test run).
    pub fn from_events(events: &[impl std::borrow::Borrow<Event>]) -> Self {
        let events: Vec<Event> = events.iter().map(|e| e.borrow().clone()).collect();
        RecordedHistory {
            operations: operations_from_events(&events),
            outcome: outcome_from_events(&events),
            started_as: events
                .iter()
                .find(|e| e.event_type == "ExecutionStarted")
                .and_then(|e| e.name.as_deref().map(str::to_owned)),
        }
    }

    /// From operation records (`GetDurableExecutionState`, a test run's operations).
    pub fn from_operations(operations: Vec<Operation>) -> Self {
        RecordedHistory {
            operations,
            ..RecordedHistory::default()
        }
    }

    /// Reads any of the shapes above from JSON text.
    pub fn from_json(text: &str) -> Result<Self, HistoryError> {
        let value: Value = serde_json::from_str(text)?;
        let items = match &value {
            Value::Object(o) if o.contains_key("Events") => &o["Events"],
            Value::Object(o) if o.contains_key("Operations") => &o["Operations"],
            Value::Array(_) => &value,
            other => return Err(HistoryError::Shape(describe_shape(other))),
        };
        let Value::Array(list) = items else {
            return Err(HistoryError::Shape(describe_shape(items)));
        };
        let history = if list.first().is_some_and(|i| i.get("EventType").is_some()) {
            let mut events: Vec<Event> = Vec::with_capacity(list.len());
            for item in list {
                match serde_json::from_value(item.clone()) {
                    Ok(event) => events.push(event),
                    // Not about an operation, and AWS's emulator leaves its details out.
                    Err(_)
                        if item.get("EventType").and_then(Value::as_str) == Some("InvocationCompleted") => {}
                    Err(e) => {
                        return Err(HistoryError::Event(
                            item.get("EventId").cloned().unwrap_or(Value::Null),
                            e,
                        ))
                    }
                }
            }
            Self::from_events(&events)
        } else {
            Self::from_operations(serde_json::from_value(items.clone())?)
        };
        if !history
            .operations
            .iter()
            .any(|o| o.operation_type == OperationType::Execution)
        {
            return Err(HistoryError::NoExecution);
        }
        Ok(history)
    }

    fn execution_id(&self) -> String {
        self.operations
            .iter()
            .find(|o| o.operation_type == OperationType::Execution)
            .map_or_else(String::new, |o| o.id.to_string())
    }
}

fn describe_shape(v: &Value) -> String {
    match v {
        Value::Object(o) => format!(
            "an object with keys {}",
            o.keys().take(6).cloned().collect::<Vec<_>>().join(", ")
        ),
        Value::Array(_) => "an array".into(),
        Value::String(_) => "a string".into(),
        Value::Number(_) => "a number".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Null => "null".into(),
    }
}

/// What a replay against a recorded history found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayReport {
    /// The workflow replayed.
    pub workflow: String,
    /// Operations in the history (besides the execution's own).
    pub recorded: usize,
    /// Operations the code created while replaying.
    pub replayed: usize,
    /// Where the replay stopped, if the recorded execution had not ended: the operation the
    /// code would go on with live (`None` if it finished or is blocked on a recorded one).
    pub frontier: Option<String>,
    /// The first divergence, if any.
    pub divergence: Option<HistoryDivergence>,
}

impl ReplayReport {
    /// True when the code replays the history as recorded.
    pub fn is_ok(&self) -> bool {
        self.divergence.is_none()
    }
}

/// How the current code departs from a recorded history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HistoryDivergenceKind {
    /// At a recorded position the code now creates another operation (type, name, sub-type
    /// or parent differ): a reorder, an insertion, a rename.
    Mismatch,
    /// The code ran to its end without creating an operation the history holds (removed).
    NotCreated,
    /// The recorded execution had ended; the code now goes on to a new operation.
    NewOperation,
    /// The code ends with another result or error than the recorded execution.
    Outcome,
    /// The replay failed otherwise (e.g. a recorded result no longer decodes as the type the
    /// code asks for).
    Failed,
    /// The workflow code panicked.
    Panicked,
}

/// One divergence between a recorded history and the current code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryDivergence {
    /// What kind.
    pub kind: HistoryDivergenceKind,
    /// The operation's position (`"2"`, `"3-1"`), when it is about one the code created.
    pub position: Option<String>,
    /// The operation's wire id.
    pub operation_id: Option<String>,
    /// What history recorded (`STEP "reserve" (Step)`, or the outcome).
    pub recorded: String,
    /// What the code does now.
    pub now: String,
    /// Where the code creates the operation (`src/order.rs:42:10`).
    pub location: Option<String>,
}

impl fmt::Display for ReplayReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(d) = &self.divergence else {
            write!(
                f,
                "replay of workflow `{}` against the recorded history: OK ({} recorded operations, {} replayed",
                self.workflow, self.recorded, self.replayed
            )?;
            if let Some(next) = &self.frontier {
                write!(f, "; the execution would go on with {next}")?;
            }
            return write!(f, ")");
        };
        write!(
            f,
            "replay of workflow `{}` diverges from the recorded history",
            self.workflow
        )?;
        if let Some(p) = &d.position {
            write!(f, " at operation {p}")?;
            if let Some(id) = &d.operation_id {
                write!(f, " (id {id})")?;
            }
        }
        let what = match d.kind {
            HistoryDivergenceKind::Mismatch => "the code now creates another operation there",
            HistoryDivergenceKind::NotCreated => "the code no longer creates a recorded operation",
            HistoryDivergenceKind::NewOperation => "the recorded execution had ended, the code goes on",
            HistoryDivergenceKind::Outcome => "the code ends differently",
            HistoryDivergenceKind::Failed => "the replay failed",
            HistoryDivergenceKind::Panicked => "the workflow code panicked",
        };
        write!(
            f,
            ": {what}\n  history has: {}\n  the code now: {}",
            d.recorded, d.now
        )?;
        if let Some(at) = &d.location {
            write!(f, "\n  created at: {at}")?;
        }
        Ok(())
    }
}

impl<W: Workflow> crate::testing::TestRunner<W> {
    /// Replays this runner's workflow (the current build) against a recorded `history` and
    /// reports the first divergence (see [`replay_history`]): in a test, assert
    /// `report.is_ok()` over the histories of the executions a deploy would find in flight.
    pub async fn replay_history(&self, history: &RecordedHistory) -> ReplayReport {
        replay_shared(self.workflow.clone(), history).await
    }
}

/// Replays `workflow` (the current build) against `history` and reports the first
/// divergence. Runs no step body and sends nothing: recorded operations return their
/// recorded outcomes; the replay stops where the recorded execution stopped.
pub async fn replay_history<W: Workflow>(workflow: W, history: &RecordedHistory) -> ReplayReport {
    replay_shared(Arc::new(workflow), history).await
}

/// [`replay_history`] for a workflow already shared.
pub async fn replay_shared<W: Workflow>(workflow: Arc<W>, history: &RecordedHistory) -> ReplayReport {
    let arn = format!("arn:durable:replay:execution/{}", history.execution_id());
    let state = ReplayState::from_history(arn, history.operations.clone());
    let wf = workflow.clone();
    // A task of its own, so that a panic in workflow code is reported, not ours.
    let joined = tokio::spawn(async move { shadow_replay(&*wf, state).await }).await;
    let recorded: Vec<&Operation> = history
        .operations
        .iter()
        .filter(|o| o.operation_type != OperationType::Execution)
        .collect();
    let mut report = ReplayReport {
        workflow: workflow.name().to_owned(),
        recorded: recorded.len(),
        replayed: 0,
        frontier: None,
        divergence: None,
    };
    let trace = match joined {
        Ok(trace) => trace,
        Err(join) => {
            let message = join
                .try_into_panic()
                .ok()
                .and_then(crate::local::panic_text)
                .unwrap_or_else(|| "(no message)".to_owned());
            report.divergence = Some(HistoryDivergence {
                kind: HistoryDivergenceKind::Panicked,
                position: None,
                operation_id: None,
                recorded: "(the recorded run did not panic here)".into(),
                now: format!("panicked: {message}"),
                location: None,
            });
            return report;
        }
    };
    report.replayed = trace.operations.len();
    report.divergence = compare(history, &recorded, &trace, &mut report.frontier);
    report
}

fn compare(
    history: &RecordedHistory,
    recorded: &[&Operation],
    trace: &Trace,
    frontier: &mut Option<String>,
) -> Option<HistoryDivergence> {
    let known: HashSet<&str> = recorded.iter().map(|o| &*o.id).collect();
    let location_of = |id: &str| {
        trace
            .operations
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.location.to_string())
    };
    let describe_traced = |t: &durable_core::trace::TracedOperation| match &t.name {
        Some(n) => format!("{} {n:?} ({})", t.operation_type, t.sub_type),
        None => format!("{} ({})", t.operation_type, t.sub_type),
    };
    // The first operation the code created that history does not hold.
    let first_new = trace.operations.iter().find(|t| !known.contains(t.id.as_str()));
    let new_operation = |t: &durable_core::trace::TracedOperation, recorded: String| HistoryDivergence {
        kind: HistoryDivergenceKind::NewOperation,
        position: Some(t.position.to_string()),
        operation_id: Some(t.id.clone()),
        recorded,
        now: format!("creates {}", describe_traced(t)),
        location: Some(t.location.to_string()),
    };
    let ended = history.outcome.is_some()
        || history
            .operations
            .iter()
            .any(|o| o.operation_type == OperationType::Execution && o.status.is_terminal());
    match &trace.end {
        RunEnd::Failed(DurableError::NonDeterministic(nd)) => Some(HistoryDivergence {
            kind: HistoryDivergenceKind::Mismatch,
            position: Some(nd.position.clone()),
            operation_id: Some(nd.id.clone()),
            recorded: nd.actual.clone(),
            now: nd.expected.clone(),
            location: location_of(&nd.id),
        }),
        RunEnd::Failed(e) => Some(HistoryDivergence {
            kind: HistoryDivergenceKind::Failed,
            position: None,
            operation_id: None,
            recorded: "(a replay of the recorded results)".into(),
            now: e.to_string(),
            location: None,
        }),
        // Where a live run would go on: a divergence only if the recorded execution had ended.
        RunEnd::Suspended => match first_new {
            Some(t) if ended => Some(new_operation(t, describe_outcome(history.outcome.as_ref()))),
            Some(t) => {
                *frontier = Some(format!("{} at {}", describe_traced(t), t.position));
                None
            }
            None => None,
        },
        RunEnd::Finished(outcome) => {
            let created: HashSet<&str> = trace.operations.iter().map(|t| t.id.as_str()).collect();
            if let Some(missing) = recorded.iter().find(|o| !created.contains(&*o.id)) {
                return Some(HistoryDivergence {
                    kind: HistoryDivergenceKind::NotCreated,
                    position: None,
                    operation_id: Some(missing.id.to_string()),
                    recorded: describe_record(missing),
                    now: "(not created: the code finished without it)".into(),
                    location: None,
                });
            }
            if let Some(t) = first_new {
                return Some(new_operation(t, "(no such operation)".into()));
            }
            let now = match outcome {
                Ok(json) => format!("succeeds with {json}"),
                Err(e) => format!("fails with {}: {}", e.type_name(), e.message()),
            };
            let same = match (history.outcome.as_ref(), outcome) {
                (None | Some(RecordedOutcome::Succeeded(None)), _) => true,
                (Some(RecordedOutcome::Succeeded(Some(was))), Ok(json)) => json_equal(was, json),
                (Some(RecordedOutcome::Failed(Some(was))), Err(e)) => was.type_name() == e.type_name(),
                (Some(RecordedOutcome::Failed(None)), Err(_)) => true,
                _ => false,
            };
            (!same).then(|| HistoryDivergence {
                kind: HistoryDivergenceKind::Outcome,
                position: None,
                operation_id: None,
                recorded: describe_outcome(history.outcome.as_ref()),
                now,
                location: None,
            })
        }
    }
}

fn json_equal(a: &str, b: &str) -> bool {
    match (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn describe_record(o: &Operation) -> String {
    let sub = o.sub_type.as_deref().unwrap_or("");
    match &o.name {
        Some(n) => format!("{} {n:?} ({sub}), {}", o.operation_type, o.status.as_str()),
        None => format!("{} ({sub}), {}", o.operation_type, o.status.as_str()),
    }
}

fn describe_outcome(outcome: Option<&RecordedOutcome>) -> String {
    match outcome {
        Some(RecordedOutcome::Succeeded(Some(r))) => format!("the execution succeeded with {r}"),
        Some(RecordedOutcome::Succeeded(None)) => "the execution succeeded".into(),
        Some(RecordedOutcome::Failed(Some(e))) => {
            format!("the execution failed with {}: {}", e.type_name(), e.message())
        }
        Some(RecordedOutcome::Failed(None)) => "the execution failed".into(),
        None => "the execution ended".into(),
    }
}
