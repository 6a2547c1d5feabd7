//! What a test scripts before a run: step mocks (by step name), callback answers (by
//! callback name) and chained-invoke targets and mocks (by operation or function name).

use super::attempts::path_of;
use crate::local::functions::Target;
use crate::local::{CallbackAnswer, ExecutionRecord, ScheduledAnswer};
use durable_core::config::{MockOutcome, StepInterceptor, StepRef};
use durable_core::wire::{EpochMillis, OperationStatus, OperationType};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Step mocks, each addressed by a step name (wherever the step occurs: root, child
/// contexts, map and parallel items, invoked workflows) or by a path (`a/b/name`: only the
/// step at that place). A path mock wins over a name mock.
#[derive(Default)]
pub(crate) struct StepMocks {
    pub(crate) by_selector: Mutex<HashMap<String, Vec<MockOutcome>>>,
}

impl StepInterceptor for StepMocks {
    fn is_idle(&self) -> bool {
        lock(&self.by_selector).is_empty()
    }

    fn intercept(&self, step: &StepRef<'_>, attempt: u32) -> Option<MockOutcome> {
        let map = lock(&self.by_selector);
        let outcomes = map
            .get(step.path)
            .filter(|_| step.path.contains('/'))
            .or_else(|| map.get(step.name?))?;
        // One outcome per attempt; the last one repeats.
        let i = (attempt as usize)
            .saturating_sub(1)
            .min(outcomes.len().saturating_sub(1));
        outcomes.get(i).cloned()
    }
}

/// Scripted callback answers by operation name or path: the callback's own, or those of the
/// wait-for-callback that created it.
#[derive(Default)]
pub(crate) struct CallbackScripts {
    pub(crate) answers: Mutex<HashMap<String, (Duration, CallbackAnswer)>>,
}

impl CallbackScripts {
    /// Answers to schedule for the open callbacks of `record` that a script covers and that
    /// are not in `scripted` yet (which they are added to).
    pub(crate) fn schedule(
        &self,
        record: &ExecutionRecord,
        now: EpochMillis,
        scripted: &mut HashSet<String>,
    ) -> Vec<ScheduledAnswer> {
        let answers = lock(&self.answers);
        let mut out = Vec::new();
        if answers.is_empty() {
            return out;
        }
        let by_path_used = answers.keys().any(|k| k.contains('/'));
        for op in &record.operations {
            if op.operation_type != OperationType::Callback || op.status != OperationStatus::Started {
                continue;
            }
            let parent = op.parent_id.as_ref().and_then(|p| record.operation(p));
            let parent_name = parent.and_then(|p| p.name.as_deref());
            // A path (`a/b/name`) addresses the callback, or the wait-for-callback that
            // created it, at one place only, and wins over a name.
            let by_path = || {
                if !by_path_used {
                    return None;
                }
                answers
                    .get(&path_of(record, op))
                    .or_else(|| parent.and_then(|p| answers.get(&path_of(record, p))))
            };
            let answer = by_path()
                .or_else(|| op.name.as_deref().and_then(|n| answers.get(n)))
                .or_else(|| parent_name.and_then(|n| answers.get(n)));
            let (Some((delay, answer)), Some(id)) = (
                answer,
                op.callback_details.as_ref().and_then(|d| d.callback_id.clone()),
            ) else {
                continue;
            };
            if scripted.insert(id.clone()) {
                let at = EpochMillis(
                    now.0
                        .saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)),
                );
                out.push(ScheduledAnswer {
                    at,
                    callback_id: id,
                    answer: answer.clone(),
                });
            }
        }
        out
    }
}

/// Chained-invoke targets registered with the runner, and invoke mocks.
#[derive(Default)]
pub(crate) struct InvokeSetup {
    /// Outcomes by operation name or function name, one per call; the last one repeats.
    pub(crate) mocks: Mutex<HashMap<String, Vec<MockOutcome>>>,
    /// Targets by function name.
    pub(crate) targets: Mutex<HashMap<String, Target>>,
}

impl InvokeSetup {
    /// The mocked outcome of the next call of an invoke named `operation` of `function`, if a
    /// mock covers it: a mock for the operation name wins over one for the function name.
    /// `calls` counts the calls each mock answered so far.
    pub(crate) fn mock(
        &self,
        operation: Option<&str>,
        function: &str,
        calls: &mut HashMap<String, usize>,
    ) -> Option<MockOutcome> {
        let mocks = lock(&self.mocks);
        let key = operation
            .filter(|n| mocks.contains_key(*n))
            .or_else(|| mocks.contains_key(function).then_some(function))?;
        let outcomes = mocks.get(key)?;
        let n = calls.entry(key.to_owned()).or_default();
        let outcome = outcomes.get((*n).min(outcomes.len().saturating_sub(1))).cloned();
        *n += 1;
        outcome
    }

    /// The target registered under `function`.
    pub(crate) fn target(&self, function: &str) -> Option<Target> {
        lock(&self.targets).get(function).cloned()
    }
}
