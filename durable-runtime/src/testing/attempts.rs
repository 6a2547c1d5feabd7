//! Step attempts: which attempts of a step ran its body, which a mock stood in for, and how
//! each ended.
//!
//! Real body runs are observed as they happen (a plugin's `on_attempt_start`/`on_attempt_end`
//! hooks, which fire only when the body itself runs, never for a mock or in the replay
//! check); how each attempt ended is in the history (`StepSucceeded`/`StepFailed` carry the
//! attempt number). An attempt the history records without a body run was mocked.

use super::mocks::lock;
use crate::local::ExecutionRecord;
use durable_core::plugin::{AttemptOutcome, OperationInfo, Plugin};
use durable_core::wire::{sub_type, ErrorObject, EventDetails, Operation, OperationType};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// One try of a step: its body ran, or a mock stood in for it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepAttempt {
    /// The step's operation id.
    pub operation_id: String,
    /// The names of the enclosing contexts and of the step, from the root, joined by `/`
    /// (`"charge-all/map-item-1/charge"`); an unnamed operation shows as `-`.
    pub path: String,
    /// The attempt number (1-based). A body re-run after a crash repeats its attempt number.
    pub attempt: u32,
    /// Whether a mock stood in for the body (the body did not run).
    pub mocked: bool,
    /// How the attempt ended.
    pub result: AttemptResult,
}

/// How one step attempt ended.
#[derive(Clone, Debug, PartialEq)]
pub enum AttemptResult {
    /// The body (or its mock) returned a value.
    Succeeded,
    /// The body (or its mock) failed with this error; for an at-most-once step interrupted
    /// by a crash, the `StepInterruptedError` the next invocation recorded.
    Failed(ErrorObject),
    /// The invocation crashed while the body ran, and nothing was recorded for it (an
    /// at-least-once step then runs the same attempt again).
    Interrupted,
}

impl std::fmt::Display for AttemptResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttemptResult::Succeeded => f.write_str("succeeded"),
            AttemptResult::Failed(e) => write!(f, "failed ({e})"),
            AttemptResult::Interrupted => f.write_str("interrupted"),
        }
    }
}

/// `charge-all/map-item-1/charge #2 mocked: failed (Unavailable: 503)`.
impl std::fmt::Display for StepAttempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = if self.mocked { "mocked" } else { "ran" };
        write!(f, "{} #{} {how}: {}", self.path, self.attempt, self.result)
    }
}

/// One real run of a step body, as the probe saw it.
#[derive(Clone, Debug)]
pub(crate) struct BodyRun {
    /// Shared by the runs of one execution (one copy of the ARN, not one per attempt).
    arn: std::sync::Arc<str>,
    operation_id: durable_core::wire::SharedStr,
    attempt: u32,
    /// `None` while running, or for good if the invocation crashed.
    end: Option<Result<(), ErrorObject>>,
}

/// Records real step body runs of every execution of a test run.
#[derive(Debug, Default)]
pub(crate) struct Probe {
    runs: Mutex<Vec<BodyRun>>,
}

impl Probe {
    pub(crate) fn runs(&self) -> Vec<BodyRun> {
        lock(&self.runs).clone()
    }
}

impl Plugin for Probe {
    fn on_attempt_start(&self, op: &OperationInfo<'_>, attempt: u32) {
        let mut runs = lock(&self.runs);
        let arn = match runs.last() {
            Some(last) if *last.arn == *op.execution_arn => last.arn.clone(),
            _ => op.execution_arn.into(),
        };
        runs.push(BodyRun {
            arn,
            operation_id: op.operation_id.into(),
            attempt,
            end: None,
        });
    }

    fn on_attempt_end(&self, op: &OperationInfo<'_>, attempt: u32, outcome: &AttemptOutcome<'_>) {
        let mut runs = lock(&self.runs);
        let run = runs.iter_mut().rev().find(|r| {
            r.end.is_none()
                && r.attempt == attempt
                && r.operation_id == op.operation_id
                && *r.arn == *op.execution_arn
        });
        if let Some(run) = run {
            run.end = Some(match outcome {
                AttemptOutcome::Succeeded => Ok(()),
                AttemptOutcome::Failed(e) => Err((*e).clone()),
            });
        }
    }
}

/// `op`'s path: the names of its enclosing contexts and its own, joined by `/`.
pub(crate) fn path_of(record: &ExecutionRecord, op: &Operation) -> String {
    let segment = |o: &Operation| o.name.clone().unwrap_or_else(|| ("-".to_owned()).into());
    let mut segments = vec![segment(op)];
    let mut parent = op.parent_id.as_deref();
    // Bounded, in case a damaged record links in a cycle.
    for _ in 0..record.operations.len() {
        let Some(p) = parent.and_then(|id| record.operation(id)) else {
            break;
        };
        segments.push(segment(p));
        parent = p.parent_id.as_deref();
    }
    segments.reverse();
    segments.join("/")
}

/// Whether `op` is addressed by `selector`: its name, or its whole path.
pub(crate) fn selects(record: &ExecutionRecord, op: &Operation, selector: &str) -> bool {
    op.name.as_deref() == Some(selector) || (selector.contains('/') && path_of(record, op) == selector)
}

/// Every attempt of the steps of `record` addressed by `selector`, in step creation order,
/// then attempt order.
pub(crate) fn step_attempts(record: &ExecutionRecord, runs: &[BodyRun], selector: &str) -> Vec<StepAttempt> {
    let mut out = Vec::new();
    for op in &record.operations {
        let is_step = op.operation_type == OperationType::Step
            && op.sub_type.as_deref().is_none_or(|s| s == sub_type::STEP);
        if !is_step || !selects(record, op, selector) {
            continue;
        }
        let path = path_of(record, op);
        // How each attempt ended, as recorded.
        let mut ended: BTreeMap<u32, Result<(), ErrorObject>> = BTreeMap::new();
        for e in record.events.iter().filter(|e| e.id.as_deref() == Some(&*op.id)) {
            match &e.details {
                EventDetails::StepSucceeded(d) => {
                    let attempt = d.retry_details.as_ref().map_or(1, |r| r.current_attempt);
                    ended.insert(attempt, Ok(()));
                }
                EventDetails::StepFailed(d) => {
                    let error = d.error.payload.clone().unwrap_or_default();
                    ended.insert(d.retry_details.current_attempt, Err(error));
                }
                _ => {}
            }
        }
        let mine: Vec<&BodyRun> = runs
            .iter()
            .filter(|r| *r.arn == *record.arn && *r.operation_id == *op.id)
            .collect();
        let attempts: BTreeSet<u32> = ended
            .keys()
            .copied()
            .chain(mine.iter().map(|r| r.attempt))
            .collect();
        let as_result = |end: &Result<(), ErrorObject>| match end {
            Ok(()) => AttemptResult::Succeeded,
            Err(e) => AttemptResult::Failed(e.clone()),
        };
        for attempt in attempts {
            let tries: Vec<&&BodyRun> = mine.iter().filter(|r| r.attempt == attempt).collect();
            let attempt_of = |mocked, result| StepAttempt {
                operation_id: op.id.to_string(),
                path: path.clone(),
                attempt,
                mocked,
                result,
            };
            if tries.is_empty() {
                if let Some(end) = ended.get(&attempt) {
                    out.push(attempt_of(true, as_result(end)));
                }
                continue;
            }
            let last = tries.len() - 1;
            for (i, run) in tries.iter().enumerate() {
                let result = match (&run.end, ended.get(&attempt)) {
                    (Some(end), _) => as_result(end),
                    // The body never returned; what the service recorded for the attempt, if
                    // anything, belongs to the last run of it.
                    (None, Some(end)) if i == last => as_result(end),
                    (None, _) => AttemptResult::Interrupted,
                };
                out.push(attempt_of(false, result));
            }
        }
    }
    out
}
