//! The replay checker: after a real invocation, the engine replays the workflow a second time
//! against the records that invocation left (a *shadow* replay, see
//! [`durable_core::shadow`]) and compares what the two runs asked of the service.
//!
//! Static lints cannot see nondeterminism hidden in helpers, traits, other crates, statics or
//! hash-map order; running the code twice can. The shadow run happens later, builds its own
//! hash maps (fresh seeds) and sees the clock, the global counters and the random generator
//! where they are now, so code that depends on any of them asks for something else.
//!
//! Compared, per context whose body both runs ran, in creation order (the interleaving of
//! concurrent contexts may differ; the order within one may not): every operation created
//! (id, type, sub-type, name, parent); what each asked for when awaiting one (a wait's
//! duration, an invoke's target and input, a callback's timeouts); a fatal error of the
//! replay (e.g. a different type at a recorded id); and, when the real invocation ended the
//! execution, its result or error. Map items and parallel branches one run started and the
//! other did not are not reported: when a batch starts its next item depends on when the
//! running ones finished, which differs between a live run and a replay by design.

use durable_core::id::OperationPath;
use durable_core::shadow::shadow_replay;
use durable_core::trace::{Request, RunEnd, Trace, TraceRecorder, TracedOperation};
use durable_core::wire::{sub_type, ErrorObject, OperationType};
use durable_core::{DurableError, Workflow};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::panic::Location;
use std::sync::Arc;

/// What differed between a real invocation and its shadow replay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DivergenceKind {
    /// The runs created different operations at the same position (type, sub-type, name or
    /// parent).
    Operation,
    /// The first run created an operation the replay did not.
    MissingInReplay {
        /// When the replay stopped at something only a live run could do: how many operations
        /// it had created in this context by then (`None`: it ran to its end).
        replay_stopped_after: Option<usize>,
        /// How many the first run created in this context.
        first_run_created: usize,
    },
    /// The replay created an operation the first run did not.
    ExtraInReplay,
    /// The same operation, asked for differently: a wait's duration, an invoke's target or
    /// input, a callback's timeouts.
    Request,
    /// The execution's outcome differs: another result or error, or only one run finished.
    Outcome,
    /// The replay failed with a fatal error (e.g. a different operation at a recorded id).
    ReplayFailed,
    /// The workflow code panicked in the replay.
    ReplayPanicked,
}

/// A difference between what a workflow asked of the service in a real invocation and in its
/// shadow replay: the workflow depends on something besides its input and its history (a
/// clock, randomness, a global, hash-map order, ...). Its `Display` is the whole report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayDivergence {
    /// The workflow.
    pub workflow: String,
    /// The invocation (1-based) after which the replay was run.
    pub invocation: u32,
    /// What differed.
    pub kind: DivergenceKind,
    /// The operation's position (`"3"`, `"2-1"`), when the difference is about one.
    pub position: Option<String>,
    /// The operation's wire id.
    pub operation_id: Option<String>,
    /// The operation's name (the first run's, if it created it).
    pub operation_name: Option<String>,
    /// The operation as the first run created it (`` step `charge-card` ``), or as the
    /// replay did if the first run created none there.
    pub operation: Option<String>,
    /// What the first run did (`` step `charge-card` ``, `wait duration 60s`, `finished
    /// with result 3`); empty when the difference is the replay's alone.
    pub first_run: String,
    /// What the replay did.
    pub replay: String,
    /// Where the first run created the operation.
    pub first_run_location: Option<&'static Location<'static>>,
    /// Where the replay created it.
    pub replay_location: Option<&'static Location<'static>>,
}

impl ReplayDivergence {
    /// The error an execution fails with when the engine finds this divergence
    /// (`ReplayDivergence`, with the report as its message).
    pub fn error_object(&self) -> ErrorObject {
        ErrorObject::new("ReplayDivergence", self.to_string())
    }
}

impl std::error::Error for ReplayDivergence {}

impl fmt::Display for ReplayDivergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "replay divergence in workflow `{}` (invocation {}): ",
            self.workflow, self.invocation
        )?;
        match (&self.position, &self.operation) {
            (Some(position), Some(operation)) => {
                write!(f, "operation {position} ({operation}")?;
                if let Some(at) = self.first_run_location.or(self.replay_location) {
                    write!(f, ", created at {at}")?;
                }
                f.write_str("): ")?;
            }
            _ if self.kind == DivergenceKind::Outcome => f.write_str("the execution's outcome: ")?,
            _ => {}
        }
        let (first, replay) = (&self.first_run, &self.replay);
        match self.kind {
            DivergenceKind::Operation => {
                write!(f, "the first run created {first}, the replay created {replay}")?;
                if let Some(at) = self.replay_location {
                    write!(f, " at {at}")?;
                }
                Ok(())
            }
            DivergenceKind::MissingInReplay {
                replay_stopped_after: Some(k),
                first_run_created: n,
            } => {
                let here = if self.position.as_deref().is_some_and(|p| p.contains('-')) {
                    " in this context"
                } else {
                    ""
                };
                let plural = if k == 1 { "" } else { "s" };
                write!(
                    f,
                    "the replay stopped after {k} operation{plural}{here}, the first run created {n}"
                )
            }
            DivergenceKind::MissingInReplay { .. } => {
                write!(
                    f,
                    "the first run created {first}, the replay created nothing here"
                )
            }
            DivergenceKind::ExtraInReplay => {
                write!(
                    f,
                    "the first run created nothing here, the replay created {replay}"
                )
            }
            DivergenceKind::Request => {
                write!(f, "{first} in the first run, {replay} in the replay")?;
                match (self.first_run_location, self.replay_location) {
                    (Some(a), Some(b)) if a != b => write!(f, " (the replay at {b})"),
                    _ => Ok(()),
                }
            }
            DivergenceKind::Outcome => write!(f, "the first run {first}, the replay {replay}"),
            DivergenceKind::ReplayFailed => write!(f, "the replay failed: {replay}"),
            DivergenceKind::ReplayPanicked => write!(f, "the workflow code panicked in the replay: {replay}"),
        }
    }
}

/// Runs the shadow replay of the invocation `recorder` recorded and compares the two runs.
/// `None`: no difference, or nothing to compare (the invocation did not reach a response, or
/// failed on an error of its own, which already fails the execution).
pub(crate) async fn check<W: Workflow>(
    workflow: &Arc<W>,
    recorder: &TraceRecorder,
    invocation: u32,
) -> Option<ReplayDivergence> {
    let (first, state) = recorder.take()?;
    if matches!(first.end, RunEnd::Failed(_)) {
        return None;
    }
    let wf = workflow.clone();
    // A task of its own, so that a panic in the replayed code is reported, not ours.
    let replay = tokio::spawn(async move { shadow_replay(&*wf, state).await }).await;
    let report = Report {
        workflow: workflow.name(),
        invocation,
    };
    match replay {
        Ok(replay) => report.compare(&first, &replay),
        Err(join) if join.is_panic() => {
            let message = super::panic_text(join.into_panic()).unwrap_or_else(|| "(no message)".to_owned());
            Some(report.divergence(DivergenceKind::ReplayPanicked, None, String::new(), message))
        }
        Err(_) => None,
    }
}

/// One comparison's context, to build reports.
struct Report<'a> {
    workflow: &'a str,
    invocation: u32,
}

/// A candidate report: the earliest of the most telling kind wins.
struct Found {
    rank: u8,
    seq: usize,
    divergence: ReplayDivergence,
}

type Grouped<'t> = HashMap<Option<&'t OperationPath>, Vec<(usize, &'t TracedOperation)>>;

impl Report<'_> {
    fn compare(&self, first: &Trace, replay: &Trace) -> Option<ReplayDivergence> {
        let (first_ops, replay_ops) = (group(first), group(replay));
        let replay_entered: HashSet<Option<&OperationPath>> = std::iter::once(None)
            .chain(replay.entered.iter().map(Some))
            .collect();
        let mut seen = HashSet::new();
        let mut best: Option<Found> = None;
        let mut offer = |found: Found| {
            if best
                .as_ref()
                .is_none_or(|b| (found.rank, found.seq) < (b.rank, b.seq))
            {
                best = Some(found);
            }
        };
        let contexts = std::iter::once(None).chain(first.entered.iter().map(Some));
        for context in contexts {
            // Only contexts whose bodies both runs ran have comparable operations.
            if !seen.insert(context) || !replay_entered.contains(&context) {
                continue;
            }
            let a = first_ops.get(&context).map_or(&[][..], Vec::as_slice);
            let b = replay_ops.get(&context).map_or(&[][..], Vec::as_slice);
            if let Some(found) = self.compare_context(a, b, &replay.end) {
                offer(found);
            }
        }
        // A difference both runs show beats the replay's fatal error (usually its consequence
        // and less precise); a fatal error beats a missing operation (the replay stopped).
        if best.as_ref().is_none_or(|b| b.rank > 0) {
            if let RunEnd::Failed(error) = &replay.end {
                return Some(self.failed(error, first, replay));
            }
        }
        if let Some(found) = best {
            return Some(found.divergence);
        }
        self.compare_outcomes(&first.end, &replay.end)
    }

    /// The first difference between the operations two runs created in one context.
    fn compare_context(
        &self,
        a: &[(usize, &TracedOperation)],
        b: &[(usize, &TracedOperation)],
        replay_end: &RunEnd,
    ) -> Option<Found> {
        for i in 0..a.len().max(b.len()) {
            match (a.get(i), b.get(i)) {
                (Some(&(seq, x)), Some(&(_, y))) => {
                    if !same_identity(x, y) {
                        let (dx, dy) = match (describe(x), describe(y)) {
                            (dx, dy) if dx == dy => (detailed(x), detailed(y)),
                            described => described,
                        };
                        let mut d = self.about(DivergenceKind::Operation, x, dx, dy);
                        d.replay_location = Some(y.location);
                        return Some(Found {
                            rank: 0,
                            seq,
                            divergence: d,
                        });
                    }
                    if let (Some(rx), Some(ry)) = (&x.request, &y.request) {
                        if !same_request(rx, ry) {
                            let (first, replay) = describe_requests(rx, ry);
                            let mut d = self.about(DivergenceKind::Request, x, first, replay);
                            d.replay_location = Some(y.location);
                            return Some(Found {
                                rank: 0,
                                seq,
                                divergence: d,
                            });
                        }
                    }
                }
                // Batch items start as running ones finish: that timing is not the code's.
                (Some((_, x)), None) | (None, Some((_, x))) if is_batch_item(x) => {}
                (Some(&(seq, x)), None) => {
                    let stopped = matches!(replay_end, RunEnd::Suspended).then_some(b.len());
                    let kind = DivergenceKind::MissingInReplay {
                        replay_stopped_after: stopped,
                        first_run_created: a.len(),
                    };
                    return Some(Found {
                        rank: 2,
                        seq,
                        divergence: self.about(kind, x, describe(x), "nothing".to_owned()),
                    });
                }
                (None, Some(&(seq, y))) => {
                    let mut d = self.about(
                        DivergenceKind::ExtraInReplay,
                        y,
                        "nothing".to_owned(),
                        describe(y),
                    );
                    d.first_run_location = None;
                    d.replay_location = Some(y.location);
                    return Some(Found {
                        rank: 2,
                        seq,
                        divergence: d,
                    });
                }
                (None, None) => {}
            }
        }
        None
    }

    /// The replay ended on a fatal error: reported at the operation it names, if any.
    fn failed(&self, error: &DurableError, first: &Trace, replay: &Trace) -> ReplayDivergence {
        let position = match error {
            DurableError::NonDeterministic(n) => Some(n.position.as_str()),
            _ => None,
        };
        let at = |t: &'_ Trace| {
            position.and_then(|p| t.operations.iter().find(|o| o.position.as_str() == p).cloned())
        };
        match (at(first), at(replay)) {
            (Some(x), y) => {
                let mut d = self.about(DivergenceKind::ReplayFailed, &x, describe(&x), error.to_string());
                d.replay_location = y.map(|y| y.location);
                d
            }
            (None, Some(y)) => {
                let mut d = self.about(DivergenceKind::ReplayFailed, &y, String::new(), error.to_string());
                d.first_run_location = None;
                d.replay_location = Some(y.location);
                d
            }
            (None, None) => self.divergence(
                DivergenceKind::ReplayFailed,
                None,
                String::new(),
                error.to_string(),
            ),
        }
    }

    fn compare_outcomes(&self, first: &RunEnd, replay: &RunEnd) -> Option<ReplayDivergence> {
        let same = match (first, replay) {
            (RunEnd::Suspended, RunEnd::Suspended) => true,
            (RunEnd::Finished(Ok(a)), RunEnd::Finished(Ok(b))) => same_json(a, b),
            (RunEnd::Finished(Err(a)), RunEnd::Finished(Err(b))) => {
                a.type_name() == b.type_name() && a.message() == b.message()
            }
            _ => false,
        };
        if same {
            return None;
        }
        let describe_end = |end: &RunEnd, stopped: &str| match end {
            RunEnd::Finished(Ok(json)) => format!("finished with result {}", shorten(json)),
            RunEnd::Finished(Err(e)) => {
                format!(
                    "finished with error `{}`: {}",
                    e.type_name(),
                    shorten(e.message())
                )
            }
            RunEnd::Suspended => stopped.to_owned(),
            RunEnd::Failed(e) => format!("failed: {e}"),
        };
        Some(self.divergence(
            DivergenceKind::Outcome,
            None,
            describe_end(first, "suspended"),
            describe_end(replay, "stopped before the end"),
        ))
    }

    fn about(
        &self,
        kind: DivergenceKind,
        op: &TracedOperation,
        first_run: String,
        replay: String,
    ) -> ReplayDivergence {
        let mut d = self.divergence(kind, Some(op), first_run, replay);
        d.first_run_location = Some(op.location);
        d
    }

    fn divergence(
        &self,
        kind: DivergenceKind,
        op: Option<&TracedOperation>,
        first_run: String,
        replay: String,
    ) -> ReplayDivergence {
        ReplayDivergence {
            workflow: self.workflow.to_owned(),
            invocation: self.invocation,
            kind,
            position: op.map(|o| o.position.to_string()),
            operation_id: op.map(|o| o.id.clone()),
            operation_name: op.and_then(|o| o.name.clone()),
            operation: op.map(describe),
            first_run,
            replay,
            first_run_location: None,
            replay_location: None,
        }
    }
}

/// Each context's operations, in creation order, with their position in the whole run.
fn group(trace: &Trace) -> Grouped<'_> {
    let mut by: Grouped<'_> = HashMap::new();
    for (seq, op) in trace.operations.iter().enumerate() {
        by.entry(op.context.as_ref()).or_default().push((seq, op));
    }
    by
}

fn same_identity(a: &TracedOperation, b: &TracedOperation) -> bool {
    let name = |o: &TracedOperation| o.name.clone().filter(|n| !n.is_empty());
    a.id == b.id
        && a.operation_type == b.operation_type
        && a.sub_type == b.sub_type
        && name(a) == name(b)
        && a.parent_id == b.parent_id
}

fn is_batch_item(op: &TracedOperation) -> bool {
    matches!(op.sub_type, sub_type::MAP_ITERATION | sub_type::PARALLEL_BRANCH)
}

/// What kind of operation it is, in the user's words.
fn kind_of(op: &TracedOperation) -> &'static str {
    match op.sub_type {
        sub_type::STEP => "step",
        sub_type::WAIT => "wait",
        sub_type::CALLBACK => "callback",
        sub_type::CHAINED_INVOKE => "invoke",
        sub_type::RUN_IN_CHILD_CONTEXT => "child context",
        sub_type::MAP => "map",
        sub_type::MAP_ITERATION => "map item",
        sub_type::PARALLEL => "parallel",
        sub_type::PARALLEL_BRANCH => "parallel branch",
        sub_type::WAIT_FOR_CALLBACK => "wait-for-callback",
        sub_type::WAIT_FOR_CONDITION => "wait-for-condition",
        _ => match op.operation_type {
            OperationType::Step => "step",
            OperationType::Wait => "wait",
            OperationType::Callback => "callback",
            OperationType::ChainedInvoke => "invoke",
            OperationType::Context => "context",
            _ => "operation",
        },
    }
}

/// `` step `charge-card` ``, or `unnamed wait`.
fn describe(op: &TracedOperation) -> String {
    match op.name.as_deref().filter(|n| !n.is_empty()) {
        Some(name) => format!("{} `{name}`", kind_of(op)),
        None => format!("unnamed {}", kind_of(op)),
    }
}

/// [`describe`] with what it leaves out, for operations that differ only there.
fn detailed(op: &TracedOperation) -> String {
    format!(
        "{} ({} {}, parent {})",
        describe(op),
        op.operation_type.as_str(),
        op.sub_type,
        op.parent_id.as_deref().unwrap_or("none")
    )
}

fn same_request(a: &Request, b: &Request) -> bool {
    match (a, b) {
        (
            Request::Invoke {
                function_name: fa,
                tenant_id: ta,
                input: ia,
            },
            Request::Invoke {
                function_name: fb,
                tenant_id: tb,
                input: ib,
            },
        ) => {
            fa == fb
                && ta == tb
                && match (ia, ib) {
                    (Some(x), Some(y)) => same_json(x, y),
                    (x, y) => x == y,
                }
        }
        (a, b) => a == b,
    }
}

/// The same JSON value (object keys in any order: a hash map serializes in its own order).
fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Both requests, told by the field that differs.
fn describe_requests(a: &Request, b: &Request) -> (String, String) {
    let secs = |s: &Option<u32>| s.map_or_else(|| "none".to_owned(), |s| format!("{s}s"));
    let one = |r: &Request, what: &str| match r {
        Request::Wait { seconds } => format!("wait duration {seconds}s"),
        Request::Callback {
            timeout_seconds,
            heartbeat_timeout_seconds,
        } => format!(
            "callback timeout {}, heartbeat timeout {}",
            secs(timeout_seconds),
            secs(heartbeat_timeout_seconds)
        ),
        Request::Invoke {
            function_name,
            tenant_id,
            input,
        } => match what {
            "input" => format!(
                "invoke input {}",
                input.as_deref().map_or("(unserializable)".into(), shorten)
            ),
            _ => match tenant_id {
                Some(t) => format!("invoke of `{function_name}` in tenant `{t}`"),
                None => format!("invoke of `{function_name}`"),
            },
        },
    };
    let what = match (a, b) {
        (
            Request::Invoke {
                function_name: fa,
                tenant_id: ta,
                ..
            },
            Request::Invoke {
                function_name: fb,
                tenant_id: tb,
                ..
            },
        ) if fa == fb && ta == tb => "input",
        _ => "target",
    };
    (one(a, what), one(b, what))
}

/// At most 200 characters of a payload or message.
fn shorten(text: &str) -> String {
    const MAX: usize = 200;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(position: &str, sub: &'static str, name: &str) -> TracedOperation {
        let path = position
            .split('-')
            .fold(None, |parent: Option<OperationPath>, n| {
                Some(OperationPath::child(parent.as_ref(), n.parse().unwrap()))
            })
            .unwrap();
        TracedOperation {
            id: path.wire_id(),
            position: path,
            context: None,
            parent_id: None,
            operation_type: OperationType::Step,
            sub_type: sub,
            name: Some(name.to_owned()),
            location: Location::caller(),
            request: None,
        }
    }

    fn trace(operations: Vec<TracedOperation>, end: RunEnd) -> Trace {
        Trace {
            operations,
            entered: Vec::new(),
            end,
        }
    }

    const REPORT: Report<'static> = Report {
        workflow: "order",
        invocation: 2,
    };

    #[test]
    fn a_different_operation_names_both_runs_and_locations() {
        let a = trace(vec![op("1", sub_type::STEP, "charge-card")], RunEnd::Suspended);
        let b = trace(vec![op("1", sub_type::STEP, "refund")], RunEnd::Suspended);
        let d = REPORT.compare(&a, &b).unwrap();
        assert_eq!(d.kind, DivergenceKind::Operation);
        assert_eq!(d.operation_name.as_deref(), Some("charge-card"));
        let text = d.to_string();
        assert!(
            text.starts_with(
                "replay divergence in workflow `order` (invocation 2): operation 1 (step `charge-card`, created at durable-runtime/src/local/replay_check.rs:"
            ),
            "{text}"
        );
        assert!(
            text.contains("): the first run created step `charge-card`, the replay created step `refund` at durable-runtime/src/local/replay_check.rs:"),
            "{text}"
        );
    }

    #[test]
    fn a_replay_that_stops_early_or_ends_early_says_so() {
        let three = vec![
            op("1", sub_type::STEP, "a"),
            op("2", sub_type::STEP, "b"),
            op("3", sub_type::STEP, "c"),
        ];
        let two = three[..2].to_vec();
        let d = REPORT
            .compare(
                &trace(three.clone(), RunEnd::Suspended),
                &trace(two.clone(), RunEnd::Suspended),
            )
            .unwrap();
        assert!(
            d.to_string()
                .ends_with("the replay stopped after 2 operations, the first run created 3"),
            "{d}"
        );
        let d = REPORT
            .compare(
                &trace(three, RunEnd::Finished(Ok("1".into()))),
                &trace(two, RunEnd::Finished(Ok("1".into()))),
            )
            .unwrap();
        assert!(
            d.to_string()
                .ends_with("the first run created step `c`, the replay created nothing here"),
            "{d}"
        );
    }

    #[test]
    fn requests_and_outcomes_compare_as_json() {
        let mut a = op("1", sub_type::WAIT, "pause");
        let mut b = a.clone();
        a.request = Some(Request::Wait { seconds: 60 });
        b.request = Some(Request::Wait { seconds: 61 });
        let d = REPORT
            .compare(
                &trace(vec![a], RunEnd::Suspended),
                &trace(vec![b], RunEnd::Suspended),
            )
            .unwrap();
        assert_eq!(d.kind, DivergenceKind::Request);
        assert!(
            d.to_string()
                .ends_with("): wait duration 60s in the first run, wait duration 61s in the replay"),
            "{d}"
        );

        let finished = |json: &str| trace(Vec::new(), RunEnd::Finished(Ok(json.to_owned())));
        assert!(REPORT
            .compare(&finished(r#"{"a":1,"b":2}"#), &finished(r#"{"b":2,"a":1}"#))
            .is_none());
        let d = REPORT.compare(&finished("1"), &finished("2")).unwrap();
        assert_eq!(
            d.to_string(),
            "replay divergence in workflow `order` (invocation 2): the execution's outcome: the first run finished with result 1, the replay finished with result 2"
        );
    }

    #[test]
    fn batch_items_started_by_one_run_only_are_timing() {
        let item = |p: &str| op(p, sub_type::MAP_ITERATION, p);
        let a = trace(vec![item("1"), item("2"), item("3")], RunEnd::Suspended);
        let b = trace(vec![item("1"), item("2")], RunEnd::Suspended);
        assert!(REPORT.compare(&a, &b).is_none());
    }
}
