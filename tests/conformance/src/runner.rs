//! Runs requirements against a [`Backend`] and turns each run into a [`Verdict`].

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_yaml_ng::Value as Yaml;

use crate::backend::{Backend, RunOutcome, RunSpec};
use crate::matcher;
use crate::placeholders::{yaml_to_json, PlaceholderContext};
use crate::requirement::Requirement;

/// The outcome class of one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Every expectation held.
    Passed,
    /// An expectation did not hold, or the backend failed.
    Failed,
    /// A requirement marked `optional: true` failed (non-blocking).
    OptionalFailed,
    /// The backend declared it does not support this requirement (non-blocking, never a pass).
    NotImplemented,
}

impl Status {
    /// The report token: `PASSED`, `FAILED`, `OPTIONAL_FAILED` or `NOT_IMPLEMENTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "PASSED",
            Status::Failed => "FAILED",
            Status::OptionalFailed => "OPTIONAL_FAILED",
            Status::NotImplemented => "NOT_IMPLEMENTED",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict on one requirement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Requirement id, e.g. `1-1`.
    pub id: String,
    /// Suite, e.g. `step`.
    pub suite: String,
    /// Backend name.
    pub backend: String,
    /// Outcome class.
    pub status: Status,
    /// `PASSED`: the requirement's description; `FAILED`/`OPTIONAL_FAILED`: the first mismatch;
    /// `NOT_IMPLEMENTED`: the backend's reason.
    pub detail: String,
    /// Every mismatch of the failing phase (empty unless failed).
    #[serde(skip)]
    pub errors: Vec<String>,
    /// Wall time of the run and the match.
    #[serde(skip)]
    pub elapsed: Duration,
}

/// Binds `Variables`, substitutes `Input` and builds the [`RunSpec`] for a requirement.
pub fn prepare(req: &Requirement) -> RunSpec {
    let placeholders = PlaceholderContext::from_variables(&req.variables);
    let input = match &req.input {
        Yaml::Null => None,
        input => Some(yaml_to_json(&placeholders.substitute_yaml(input))),
    };
    RunSpec {
        id: req.id.clone(),
        suite: req.suite.clone(),
        input,
        callback_actions: req.callback_actions.clone(),
        async_invoke: req.async_invoke,
        expects_result: req.expected_result.is_some(),
        placeholders,
    }
}

/// Runs one requirement and judges it. A backend error or panic is `FAILED` (`OPTIONAL_FAILED`
/// for an optional requirement) with its message.
pub fn run_requirement(req: &Requirement, backend: &dyn Backend) -> Verdict {
    let started = Instant::now();
    let spec = prepare(req);
    let outcome = catch_unwind(AssertUnwindSafe(|| backend.run(&spec)))
        .unwrap_or_else(|panic| Err(format!("backend panicked: {}", panic_message(panic.as_ref()))));
    let failed = if req.optional {
        Status::OptionalFailed
    } else {
        Status::Failed
    };
    let (status, detail, errors) = match outcome {
        Err(e) => (failed, format!("backend error: {e}"), vec![e]),
        Ok(RunOutcome::NotImplemented(reason)) => (Status::NotImplemented, reason, Vec::new()),
        Ok(RunOutcome::Observed(observed)) => {
            let mut ctx = spec.placeholders.clone();
            let errors = matcher::evaluate(req, &observed, &mut ctx);
            if errors.is_empty() {
                let mut detail = req.description.clone();
                if !observed.deviations.is_empty() {
                    detail.push_str(&format!(
                        " [tolerated emulator deviations: {}]",
                        observed.deviations.join(", ")
                    ));
                }
                (Status::Passed, detail, errors)
            } else {
                let mut detail = errors[0].clone();
                if errors.len() > 1 {
                    detail.push_str(&format!(" (+{} more)", errors.len() - 1));
                }
                // A history mismatch hides the status check (AWS's order); show the status too.
                let status_note = req
                    .expected_result
                    .as_ref()
                    .and_then(|e| matcher::status_mismatch(e, &observed));
                if let Some(note) = status_note.filter(|note| *note != errors[0]) {
                    detail.push_str(&format!(" [{note}]"));
                }
                (failed, detail, errors)
            }
        }
    };
    Verdict {
        id: req.id.clone(),
        suite: req.suite.clone(),
        backend: backend.name().to_owned(),
        status,
        detail,
        errors,
        elapsed: started.elapsed(),
    }
}

/// Runs every requirement in order, calling `on_verdict` as each one finishes.
pub fn run_all(
    reqs: &[Requirement],
    backend: &dyn Backend,
    on_verdict: &mut dyn FnMut(&Verdict),
) -> Vec<Verdict> {
    let workers = backend.parallelism().clamp(1, reqs.len().max(1));
    if workers == 1 {
        return reqs
            .iter()
            .map(|req| {
                let verdict = run_requirement(req, backend);
                on_verdict(&verdict);
                verdict
            })
            .collect();
    }
    // Several at once; verdicts are still reported in requirement order.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Verdict)>();
    let mut done: Vec<Option<Verdict>> = (0..reqs.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(req) = reqs.get(i) else { break };
                if tx.send((i, run_requirement(req, backend))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut reported = 0;
        for (i, verdict) in rx {
            done[i] = Some(verdict);
            while let Some(Some(v)) = done.get(reported) {
                on_verdict(v);
                reported += 1;
            }
        }
    });
    done.into_iter().flatten().collect()
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}
