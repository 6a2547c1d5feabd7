//! Property tests of what durable-core reads from outside (issue #15, "fuzzed boundaries"):
//!
//! - the Lambda invocation event (`InvocationInput`) as bytes and as JSON, arbitrary or
//!   valid-shaped with mutations, and the state an event carries run through a whole
//!   invocation (`run_invocation`) of a workflow using every kind of operation, with the
//!   checkpoint responses also fuzzed;
//! - operation records (`Operation`, `ExecutionStatePage`, `CheckpointResponse`): parse or a
//!   serde error, and what parses serializes back to the same record;
//! - history events (`Event`) and their folding into operations
//!   (`history::operations_from_events`, `history::outcome_from_events`);
//! - timestamps (`EpochMillis`: integer milliseconds, API seconds, RFC 3339 strings).
//!
//! Never a panic or a hang: every input is a value or a typed error. Case counts are small by default so
//! `cargo test` stays quick; `PROPTEST_CASES=100000 cargo test -p durable-core --test
//! props_wire` runs them longer.

use durable_core::history::{operations_from_events, outcome_from_events};
use durable_core::wire::timestamp::api_seconds;
use durable_core::wire::*;
use durable_core::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `default_cases` unless `PROPTEST_CASES` says otherwise; no failure files are written (a
/// failure prints its minimal input: keep it as a regression `#[test]`).
fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/// Field names of the wire model, so that random objects often hit real fields.
const KEYS: &[&str] = &[
    "DurableExecutionArn",
    "CheckpointToken",
    "InitialExecutionState",
    "UpdatedOperationIds",
    "Operations",
    "NextMarker",
    "NewExecutionState",
    "Id",
    "ParentId",
    "Name",
    "Type",
    "SubType",
    "Status",
    "StartTimestamp",
    "EndTimestamp",
    "ExecutionDetails",
    "InputPayload",
    "ContextDetails",
    "ReplayChildren",
    "StepDetails",
    "Attempt",
    "NextAttemptTimestamp",
    "Result",
    "Error",
    "ErrorType",
    "ErrorMessage",
    "ErrorData",
    "StackTrace",
    "WaitDetails",
    "ScheduledEndTimestamp",
    "CallbackDetails",
    "CallbackId",
    "ChainedInvokeDetails",
    "EventType",
    "EventId",
    "EventTimestamp",
    "Payload",
    "Truncated",
    "RetryDetails",
    "CurrentAttempt",
    "NextAttemptDelaySeconds",
    "StepFailedDetails",
    "StepSucceededDetails",
    "WaitStartedDetails",
    "Duration",
    "CallbackStartedDetails",
    "InvocationCompletedDetails",
    "RequestId",
];

/// Strings that mean something somewhere on the wire, plus odd ones.
const WORDS: &[&str] = &[
    "",
    " ",
    "EXECUTION",
    "CONTEXT",
    "STEP",
    "WAIT",
    "CALLBACK",
    "CHAINED_INVOKE",
    "STARTED",
    "PENDING",
    "READY",
    "SUCCEEDED",
    "FAILED",
    "CANCELLED",
    "TIMED_OUT",
    "STOPPED",
    "Step",
    "Wait",
    "Callback",
    "RunInChildContext",
    "Map",
    "MapIteration",
    "WaitForCallback",
    "WaitForCondition",
    "ChainedInvoke",
    "StepSucceeded",
    "StepFailed",
    "ExecutionStarted",
    "InvocationCompleted",
    "null",
    "{}",
    "[]",
    "\"x\"",
    "1795764155343",
    "1795764155.343",
    "2026-11-27T09:04:48Z",
    "2026-11-27T09:04:48.123+01:00",
    "9999-12-31T23:59:60.999999999-23:59",
    "2026-1é-27T09:04:48Z",
    "\u{0}",
    "\u{1f}",
    "\u{feff}",
    "é",
    "𝄞",
    "c4ca4238a0b92382",
    "arn:x/inv",
];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS).prop_map(str::to_owned)
}

/// A string: a wire word, arbitrary Unicode, or (rarely) a large one.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => word(),
        4 => any::<String>(),
        1 => (1usize..70_000, any::<char>()).prop_map(|(n, c)| c.to_string().repeat(n)),
    ]
}

const EXTREME_INTS: &[i64] = &[
    i64::MIN,
    -1,
    0,
    1,
    u32::MAX as i64,
    u32::MAX as i64 + 1,
    9_007_199_254_740_993,
    i64::MAX,
];

/// A JSON number, with the extremes.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::sample::select(EXTREME_INTS).prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Value::Number)),
        prop::sample::select(&[-0.5, 0.5, 1e300, -1e300, 1795764155.343, 4294967296.5][..])
            .prop_map(Value::from),
    ]
}

/// Any JSON value, nested a few levels deep, objects keyed mostly by wire field names.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        let key = prop_oneof![4 => prop::sample::select(KEYS).prop_map(str::to_owned), 1 => any::<String>()];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// One change to a JSON document: where (a walk of child indices) and what.
#[derive(Clone, Debug)]
enum Edit {
    /// Replace the node.
    Replace(Value),
    /// Remove a key of an object / an element of an array.
    Remove,
    /// Add (or overwrite) a key.
    Insert(String, Value),
    /// The node as a JSON string of itself (a number sent as a string, an object as text).
    Stringify,
    /// The node wrapped in an array.
    Wrap,
}

fn edit() -> impl Strategy<Value = (Vec<usize>, Edit)> {
    let what = prop_oneof![
        4 => json_value().prop_map(Edit::Replace),
        2 => Just(Edit::Remove),
        2 => (prop::sample::select(KEYS).prop_map(str::to_owned), json_value())
            .prop_map(|(k, v)| Edit::Insert(k, v)),
        1 => Just(Edit::Stringify),
        1 => Just(Edit::Wrap),
    ];
    (prop::collection::vec(any::<usize>(), 0..6), what)
}

/// Applies an edit: walks down `path` (each index modulo the number of children) and changes
/// the node where the walk ends.
fn apply_edit(doc: &mut Value, path: &[usize], what: &Edit) {
    let mut node = doc;
    for (depth, &i) in path.iter().enumerate() {
        let last = depth + 1 == path.len();
        let n = match &*node {
            Value::Object(m) => m.len(),
            Value::Array(a) => a.len(),
            _ => 0,
        };
        if n == 0 {
            break;
        }
        if last && matches!(what, Edit::Remove) {
            match node {
                Value::Object(m) => {
                    let key = m.keys().nth(i % n).cloned().unwrap_or_default();
                    m.remove(&key);
                }
                Value::Array(a) => {
                    a.remove(i % n);
                }
                _ => {}
            }
            return;
        }
        node = match node {
            Value::Object(m) => m.values_mut().nth(i % n).expect("index below len"),
            Value::Array(a) => &mut a[i % n],
            _ => unreachable!("n > 0 only for objects and arrays"),
        };
    }
    match what {
        Edit::Replace(v) => *node = v.clone(),
        Edit::Remove => *node = Value::Null,
        Edit::Insert(k, v) => match node {
            Value::Object(m) => {
                m.insert(k.clone(), v.clone());
            }
            other => *other = json!({ k.clone(): v.clone() }),
        },
        Edit::Stringify => *node = Value::String(node.to_string()),
        Edit::Wrap => *node = Value::Array(vec![node.take()]),
    }
}

/// Positions of the operations [`sink`] creates: recorded operations with these ids are
/// replayed by it, so the fuzzed state reaches deep into the SDK.
const PATHS: &[&str] = &[
    "1", "2", "3", "4", "4-1", "4-2", "5", "5-1", "5-2", "5-1-1", "5-2-1", "6", "7", "8", "8-1", "8-2", "9",
    "10",
];

/// What each path of [`sink`] is (type, sub-type), for plausible records.
fn expected_kind(path: &str) -> (OperationType, &'static str) {
    use OperationType as T;
    match path {
        "1" | "4-1" | "5-1-1" | "5-2-1" | "8-2" | "9" => (T::Step, sub_type::STEP),
        "2" | "4-2" => (T::Wait, sub_type::WAIT),
        "3" | "8-1" => (T::Callback, sub_type::CALLBACK),
        "4" => (T::Context, sub_type::RUN_IN_CHILD_CONTEXT),
        "5" => (T::Context, sub_type::MAP),
        "5-1" | "5-2" => (T::Context, sub_type::MAP_ITERATION),
        "6" => (T::ChainedInvoke, sub_type::CHAINED_INVOKE),
        "7" => (T::Step, sub_type::WAIT_FOR_CONDITION),
        "8" => (T::Context, sub_type::WAIT_FOR_CALLBACK),
        _ => (T::Step, sub_type::STEP),
    }
}

fn op_type() -> impl Strategy<Value = OperationType> {
    use OperationType as T;
    prop::sample::select(
        &[
            T::Execution,
            T::Context,
            T::Step,
            T::Wait,
            T::Callback,
            T::ChainedInvoke,
        ][..],
    )
}

fn op_status() -> impl Strategy<Value = OperationStatus> {
    use OperationStatus as S;
    prop::sample::select(
        &[
            S::Started,
            S::Pending,
            S::Ready,
            S::Succeeded,
            S::Failed,
            S::Cancelled,
            S::TimedOut,
            S::Stopped,
        ][..],
    )
}

/// A timestamp: realistic, or an extreme.
fn millis() -> impl Strategy<Value = EpochMillis> {
    prop_oneof![
        4 => (1_700_000_000_000i64..1_900_000_000_000).prop_map(EpochMillis),
        1 => any::<i64>().prop_map(EpochMillis),
        1 => prop::sample::select(&[i64::MIN, -1, 0, i64::MAX][..]).prop_map(EpochMillis),
    ]
}

/// A payload: JSON of some shape (often not the one the code expects), or not JSON at all.
fn payload() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => json_value().prop_map(|v| v.to_string()),
        1 => text(),
    ]
}

fn error_object() -> impl Strategy<Value = ErrorObject> {
    (
        prop::option::of(text()),
        prop::option::of(prop_oneof![
            word(),
            Just("StepError".to_owned()),
            Just("InvalidPayloadError".to_owned()),
            any::<String>()
        ]),
        prop::option::of(payload()),
        prop::option::of(prop::collection::vec(any::<String>(), 0..3)),
    )
        .prop_map(
            |(error_message, error_type, error_data, stack_trace)| ErrorObject {
                error_message,
                error_type,
                error_data,
                stack_trace,
            },
        )
}

fn attempt() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..5, 1 => any::<u32>(), 1 => Just(u32::MAX)]
}

/// A recorded operation: at a position the workflow reaches (mostly of the kind it expects
/// there) or under a random id, in any status, with details that may not belong to it.
fn operation() -> impl Strategy<Value = Operation> {
    let id = prop_oneof![
        6 => prop::sample::select(PATHS).prop_map(|p| (id::wire_id(p), Some(p))),
        1 => text().prop_map(|s| (s, None)),
    ];
    let parent = prop_oneof![
        3 => Just(None),
        1 => prop::sample::select(PATHS).prop_map(|p| Some(id::wire_id(p))),
        1 => prop::option::of(text()),
    ];
    (
        id,
        parent,
        prop::option::of(prop_oneof![word(), Just("a".to_owned()), any::<String>()]),
        (any::<bool>(), op_type(), prop::option::of(word()), op_status()),
        (prop::option::of(millis()), prop::option::of(millis())),
        (prop::option::of(payload()), prop::option::of(error_object())),
        (
            attempt(),
            prop::option::of(millis()),
            prop::option::of(text()),
            any::<u8>(),
        ),
    )
        .prop_map(
            |(
                (id, path),
                parent_id,
                name,
                (plausible, random_type, random_sub_type, status),
                (start, end),
                (result, error),
                (attempt, next, callback_id, details_mask),
            )| {
                let (operation_type, sub_type) = match (plausible, path) {
                    (true, Some(p)) => {
                        let (t, s) = expected_kind(p);
                        (t, Some(s.to_owned()))
                    }
                    _ => (random_type, random_sub_type),
                };
                let mut op = Operation::new(id, operation_type, status);
                op.parent_id = path
                    .and_then(|p| p.rsplit_once('-'))
                    .map(|(parent, _)| id::wire_id(parent))
                    .filter(|_| plausible)
                    .or(parent_id)
                    .map(Into::into);
                op.name = name.map(Into::into);
                op.sub_type = sub_type.map(Into::into);
                op.start_timestamp = start;
                op.end_timestamp = end;
                let on = |bit: u8, kind: OperationType| {
                    if plausible {
                        operation_type == kind
                    } else {
                        details_mask & (1 << bit) != 0
                    }
                };
                if on(0, OperationType::Execution) {
                    op.execution_details = Some(ExecutionDetails {
                        input_payload: result.clone(),
                    });
                }
                if on(1, OperationType::Context) {
                    op.context_details = Some(ContextDetails {
                        replay_children: Some(details_mask & 0x80 != 0).filter(|_| details_mask & 0x40 != 0),
                        result: result.clone(),
                        error: error.clone(),
                    });
                }
                if on(2, OperationType::Step) {
                    op.step_details = Some(StepDetails {
                        attempt,
                        next_attempt_timestamp: next,
                        result: result.clone(),
                        error: error.clone(),
                    });
                }
                if on(3, OperationType::Wait) {
                    op.wait_details = Some(WaitDetails {
                        scheduled_end_timestamp: next,
                    });
                }
                if on(4, OperationType::Callback) {
                    op.callback_details = Some(CallbackDetails {
                        callback_id,
                        result: result.clone(),
                        error: error.clone(),
                    });
                }
                if on(5, OperationType::ChainedInvoke) {
                    op.chained_invoke_details = Some(ChainedInvokeDetails { result, error });
                }
                op
            },
        )
}

/// The execution's own record, with an input that may not be JSON.
fn execution_operation() -> impl Strategy<Value = Operation> {
    (
        prop::option::of(payload()),
        prop_oneof![4 => Just(OperationStatus::Started), 1 => op_status()],
    )
        .prop_map(|(input, status)| {
            let mut op = Operation::new("inv", OperationType::Execution, status);
            op.execution_details = Some(ExecutionDetails { input_payload: input });
            op
        })
}

/// The record a successful run of [`sink`] leaves at `path` (completed, with a result that
/// decodes as the type the code asks for).
fn completed(path: &str) -> Operation {
    let (operation_type, sub) = expected_kind(path);
    let mut op = Operation::new(id::wire_id(path), operation_type, OperationStatus::Succeeded);
    op.parent_id = path
        .rsplit_once('-')
        .map(|(parent, _)| id::wire_id(parent))
        .map(Into::into);
    op.sub_type = Some(sub.to_owned().into());
    op.start_timestamp = Some(EpochMillis(1_795_764_155_343));
    op.end_timestamp = op.start_timestamp;
    let (name, result) = match path {
        "1" => ("a", "1"),
        "2" => ("w", ""),
        "3" => ("cb", "\"yes\""),
        "4" => ("child", "7"),
        "4-1" => ("inner", "7"),
        "4-2" => ("inner-wait", ""),
        "5" => ("m", ""),
        "5-1" => ("map-item-0", "2"),
        "5-2" => ("map-item-1", "4"),
        "5-1-1" | "5-2-1" => ("double", if path == "5-1-1" { "2" } else { "4" }),
        "6" => ("inv", "{\"ok\":true}"),
        "7" => ("cond", "2"),
        "8" => ("wfc", "true"),
        "8-1" => ("", "true"),
        "8-2" => ("", "null"),
        _ => ("z", "{\"in\":1}"),
    };
    op.name = Some(name.to_owned()).filter(|n| !n.is_empty()).map(Into::into);
    let result = Some(result.to_owned()).filter(|r| !r.is_empty());
    match operation_type {
        OperationType::Step => {
            op.step_details = Some(StepDetails {
                attempt: 1,
                result,
                ..StepDetails::default()
            })
        }
        OperationType::Wait => {
            op.wait_details = Some(WaitDetails {
                scheduled_end_timestamp: op.start_timestamp,
            })
        }
        OperationType::Callback => {
            op.callback_details = Some(CallbackDetails {
                callback_id: Some(format!("callback-{path}")),
                result,
                error: None,
            })
        }
        OperationType::ChainedInvoke => {
            op.chained_invoke_details = Some(ChainedInvokeDetails { result, error: None })
        }
        _ => {
            op.context_details = Some(ContextDetails {
                result,
                ..ContextDetails::default()
            });
            if path == "5" {
                // The map goes on live from its recorded items.
                op.status = OperationStatus::Started;
            }
        }
    }
    op
}

/// A change to one completed record.
#[derive(Clone, Debug)]
enum Perturb {
    Keep,
    Drop,
    Status(OperationStatus),
    Type(OperationType),
    Result(Option<String>),
    Error(ErrorObject),
    Replace(Box<Operation>),
}

fn perturb() -> impl Strategy<Value = Perturb> {
    prop_oneof![
        12 => Just(Perturb::Keep),
        1 => Just(Perturb::Drop),
        2 => op_status().prop_map(Perturb::Status),
        1 => op_type().prop_map(Perturb::Type),
        2 => prop::option::of(payload()).prop_map(Perturb::Result),
        1 => error_object().prop_map(Perturb::Error),
        1 => operation().prop_map(|o| Perturb::Replace(Box::new(o))),
    ]
}

fn apply_perturb(mut op: Operation, p: &Perturb) -> Option<Operation> {
    match p {
        Perturb::Keep => {}
        Perturb::Drop => return None,
        Perturb::Status(s) => op.status = *s,
        Perturb::Type(t) => op.operation_type = *t,
        Perturb::Result(r) => {
            for slot in [
                op.step_details.as_mut().map(|d| &mut d.result),
                op.context_details.as_mut().map(|d| &mut d.result),
                op.callback_details.as_mut().map(|d| &mut d.result),
                op.chained_invoke_details.as_mut().map(|d| &mut d.result),
            ]
            .into_iter()
            .flatten()
            {
                slot.clone_from(r);
            }
        }
        Perturb::Error(e) => {
            op.status = OperationStatus::Failed;
            for slot in [
                op.step_details.as_mut().map(|d| &mut d.error),
                op.context_details.as_mut().map(|d| &mut d.error),
                op.callback_details.as_mut().map(|d| &mut d.error),
                op.chained_invoke_details.as_mut().map(|d| &mut d.error),
            ]
            .into_iter()
            .flatten()
            {
                *slot = Some(e.clone());
            }
        }
        Perturb::Replace(other) => return Some((**other).clone()),
    }
    Some(op)
}

/// A valid-shaped invocation event: the records of a successful run up to some point, some
/// of them changed (status, type, result, error, dropped, replaced), plus random records.
fn event() -> impl Strategy<Value = InvocationInput> {
    (
        prop::option::weighted(0.95, execution_operation()),
        (0..=PATHS.len(), prop::collection::vec(perturb(), PATHS.len())),
        prop::collection::vec(operation(), 0..6),
        prop::collection::vec(
            prop_oneof![prop::sample::select(PATHS).prop_map(id::wire_id), text()],
            0..4,
        ),
        prop_oneof![8 => Just(None), 1 => Just(Some(String::new())), 1 => text().prop_map(Some)],
    )
        .prop_map(|(exec, (done, changes), random, updated, next_marker)| {
            let recorded = PATHS[..done]
                .iter()
                .zip(&changes)
                .filter_map(|(path, change)| apply_perturb(completed(path), change));
            InvocationInput {
                durable_execution_arn:
                    "arn:aws:lambda:us-east-1:0:function:f:$LATEST/durable-execution/n/inv".into(),
                checkpoint_token: "t0".into(),
                initial_execution_state: ExecutionStatePage {
                    operations: exec
                        .into_iter()
                        .chain(recorded)
                        .chain(random)
                        .map(Arc::new)
                        .collect(),
                    next_marker,
                },
                updated_operation_ids: updated,
            }
        })
}

/// What the fake service answers: checkpoint calls and state pages, in order.
fn service() -> impl Strategy<Value = Service> {
    (
        responses(),
        prop::collection::vec(
            (prop::collection::vec(operation(), 0..4), prop::option::of(word())).prop_map(
                |(operations, next_marker)| ExecutionStatePage {
                    operations: operations.into_iter().map(Arc::new).collect(),
                    next_marker,
                },
            ),
            0..3,
        ),
    )
}

type Service = (
    Vec<Result<CheckpointResponse, CheckpointError>>,
    Vec<ExecutionStatePage>,
);

fn responses() -> impl Strategy<Value = Vec<Result<CheckpointResponse, CheckpointError>>> {
    let response = prop_oneof![
        6 => Just(Ok(CheckpointResponse { checkpoint_token: Some("t".into()), new_execution_state: None })),
        2 => prop::collection::vec(operation(), 0..4).prop_map(|ops| Ok(CheckpointResponse {
            checkpoint_token: Some("t".into()),
            new_execution_state: Some(ExecutionStatePage { operations: ops.into_iter().map(Arc::new).collect(), next_marker: None }),
        })),
        1 => Just(Ok(CheckpointResponse::default())),
        1 => (100u16..600, text()).prop_map(|(status, code)| Err(CheckpointError::classify(status, code, "fuzzed"))),
    ];
    prop::collection::vec(response, 0..6)
}

// ---------------------------------------------------------------------------------------------
// The workflow and the fake service
// ---------------------------------------------------------------------------------------------

/// A workflow touching every kind of operation; it goes on whatever each one returns, so
/// that one fuzzed record does not hide the rest.
fn sink() -> impl Workflow<Input = Value, Output = Value> {
    workflow_fn("sink", |ctx: DurableContext, input: Value| async move {
        let mut seen = Vec::new();
        let a = ctx
            .step("a", |_| async { Ok::<_, DurableError>(1u32) })
            .retry(RetryPolicy::exponential().max_attempts(3))
            .await;
        seen.push(format!("{a:?}"));
        seen.push(format!("{:?}", ctx.wait("w", Duration::from_secs(5)).await));
        match ctx.create_callback::<String>("cb").await {
            Ok(cb) => seen.push(format!("{:?}", cb.result().await)),
            Err(e) => seen.push(e.to_string()),
        }
        let child = ctx
            .run_in_child_context("child", |c: DurableContext| async move {
                let n: u64 = c.step("inner", |_| async { Ok::<_, DurableError>(7u64) }).await?;
                c.wait("inner-wait", Duration::from_secs(1)).await?;
                Ok(n)
            })
            .await;
        seen.push(format!("{child:?}"));
        let mapped = ctx
            .map("m", vec![1u32, 2], |item: DurableContext, n: u32, _| async move {
                item.step("double", move |_| async move { Ok::<_, DurableError>(n * 2) })
                    .await
            })
            .await;
        seen.push(format!("{:?}", mapped.map(|r| r.into_results())));
        let invoked: Result<Value, _> = ctx.invoke("inv", "target", json!({"x": 1})).await;
        seen.push(format!("{invoked:?}"));
        let policy = PollingPolicy::until_not(|s: &u32| *s < 2).fixed_delay(Duration::from_secs(3));
        let polled = ctx
            .wait_for_condition("cond", 0u32, policy, |s: u32, _| async move {
                Ok::<_, DurableError>(s.saturating_add(1))
            })
            .await;
        seen.push(format!("{polled:?}"));
        let answered: Result<bool, _> = ctx
            .wait_for_callback("wfc", |_id: String, _| async { Ok::<_, DurableError>(()) })
            .await;
        seen.push(format!("{answered:?}"));
        let last: Value = ctx
            .step("z", move |_| async move { Ok::<_, DurableError>(input) })
            .await?;
        Ok(json!({ "seen": seen, "last": last }))
    })
}

/// A checkpoint service that answers from a script, then acknowledges everything; state
/// pages come from a script too, then the marker is unknown.
struct FakeService {
    responses: Mutex<VecDeque<Result<CheckpointResponse, CheckpointError>>>,
    pages: Mutex<VecDeque<ExecutionStatePage>>,
    calls: Mutex<u32>,
}

impl CheckpointClient for FakeService {
    fn checkpoint(
        &self,
        _: &str,
        _: Arc<CheckpointRequest>,
    ) -> BoxFuture<'static, Result<CheckpointResponse, CheckpointError>> {
        let mut calls = self.calls.lock().unwrap();
        *calls += 1;
        let next = self.responses.lock().unwrap().pop_front().unwrap_or_else(|| {
            Ok(CheckpointResponse {
                checkpoint_token: Some(format!("t{calls}")),
                new_execution_state: None,
            })
        });
        Box::pin(std::future::ready(next))
    }

    fn get_state(
        &self,
        _: &str,
        _: &str,
        _: &str,
    ) -> BoxFuture<'static, Result<ExecutionStatePage, CheckpointError>> {
        let page = self
            .pages
            .lock()
            .unwrap()
            .pop_front()
            .ok_or_else(|| CheckpointError::terminal("ResourceNotFoundException", "no such page"));
        Box::pin(std::future::ready(page))
    }
}

/// Logs go nowhere (the default sink writes to stdout).
struct Quiet;

impl LogSink for Quiet {
    fn emit(&self, _: &LogRecord) {}
    fn emit_json(&self, _: &Value) {}
}

/// Runs one invocation of [`sink`]; a hang (more than 5 s) is a failure too.
fn invoke(event: InvocationInput, service: Service) -> Result<InvocationOutput, InvocationError> {
    invoke_workflow(&sink(), event, service)
}

/// Runs one invocation of `workflow` against the fake service.
fn invoke_workflow<W: Workflow>(
    workflow: &W,
    event: InvocationInput,
    (responses, pages): Service,
) -> Result<InvocationOutput, InvocationError> {
    let client = Arc::new(FakeService {
        responses: Mutex::new(responses.into()),
        pages: Mutex::new(pages.into()),
        calls: Mutex::new(0),
    });
    let config = ExecutionConfig {
        log_sink: Arc::new(Quiet),
        ..ExecutionConfig::default()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(5),
            run_invocation(workflow, event, client, config),
        )
        .await
        .expect("the invocation hangs")
    })
}

/// What every invocation result must look like: a status with what belongs to it.
fn check_output(out: &Result<InvocationOutput, InvocationError>) -> Result<(), TestCaseError> {
    match out {
        Ok(o) => match o.status {
            InvocationStatus::Succeeded => {
                prop_assert!(o.error.is_none());
                let result = o.result.as_deref().unwrap_or("null");
                prop_assert!(serde_json::from_str::<Value>(result).is_ok(), "result {result}");
            }
            InvocationStatus::Failed => {
                // A failure carries its error (a recorded one may come without a type: it
                // is passed on as recorded).
                let e = o.error.as_ref();
                prop_assert!(e.is_some(), "a failure without an error: {o:?}");
                // Suspending is the SDK's own signal, never how an execution ends.
                prop_assert!(
                    e.is_some_and(|e| e.type_name() != "SuspendExecution"),
                    "an execution fails with the suspend signal: {o:?}"
                );
            }
            InvocationStatus::Pending => prop_assert!(o.result.is_none() && o.error.is_none()),
        },
        Err(e) => prop_assert!(!e.to_string().is_empty()),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes are an event or a serde error.
    #[test]
    fn arbitrary_bytes_parse_or_error(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = serde_json::from_slice::<InvocationInput>(&bytes);
        let _ = serde_json::from_slice::<CheckpointResponse>(&bytes);
        let _ = serde_json::from_slice::<Event>(&bytes);
        let _ = serde_json::from_slice::<Vec<Operation>>(&bytes);
    }

    /// Arbitrary JSON documents: an event, an operation, a page, a history event, or an error.
    #[test]
    fn arbitrary_json_parses_or_errors(v in json_value()) {
        let text = v.to_string();
        let _ = serde_json::from_str::<InvocationInput>(&text);
        let _ = serde_json::from_value::<InvocationInput>(v.clone());
        if let Ok(op) = serde_json::from_value::<Operation>(v.clone()) {
            let _ = (op.result(), op.error(), op.status.is_terminal());
        }
        let _ = serde_json::from_value::<ExecutionStatePage>(v.clone());
        let _ = serde_json::from_value::<CheckpointResponse>(v.clone());
        if let Ok(event) = serde_json::from_value::<Event>(v) {
            let events = [event];
            let _ = operations_from_events(&events);
            let _ = outcome_from_events(&events);
        }
    }

    /// Operation records that parse serialize back to themselves (timestamps in a realistic
    /// range, where integer milliseconds are exact).
    #[test]
    fn operations_round_trip(op in operation()) {
        let text = serde_json::to_string(&op).unwrap();
        let back: Operation = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, op);
    }

    /// Timestamps: any integer, float or string is a timestamp or an error; RFC 3339 text
    /// written by `to_rfc3339` reads back to the same instant (years 0 to 9999).
    #[test]
    fn timestamps_parse_or_error(
        s in prop_oneof![word(), any::<String>(), "[0-9+-]{4}-[0-9+-]{2}-[0-9+-]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,12})?(Z|[+-][0-9]{2}:[0-9]{2}|.{0,3})"],
        n in number(),
        ms in -62_167_219_200_000i64..253_402_300_800_000,
        any_ms in any::<i64>(),
    ) {
        let _ = EpochMillis::parse_rfc3339(&s);
        let _ = serde_json::from_value::<EpochMillis>(Value::String(s));
        let _ = serde_json::from_value::<EpochMillis>(n.clone());
        #[derive(serde::Deserialize)]
        struct Api(#[serde(with = "api_seconds")] #[allow(dead_code)] EpochMillis);
        let _ = serde_json::from_value::<Api>(n);
        let _ = EpochMillis(any_ms).to_rfc3339();
        let _ = EpochMillis(any_ms).plus_seconds(any_ms);
        let text = EpochMillis(ms).to_rfc3339();
        prop_assert_eq!(EpochMillis::parse_rfc3339(&text), Ok(EpochMillis(ms)), "{}", text);
        // Integer milliseconds are exact whatever their size.
        let back: EpochMillis = serde_json::from_str(&serde_json::to_string(&EpochMillis(any_ms)).unwrap()).unwrap();
        prop_assert_eq!(back, EpochMillis(any_ms));
    }

    /// Valid-shaped events with mutations (wrong types, missing or extra fields, values turned
    /// into strings or arrays): a parsed event or a serde error naming what is wrong.
    #[test]
    fn mutated_events_parse_or_error(e in event(), edits in prop::collection::vec(edit(), 1..4)) {
        let mut doc = serde_json::to_value(&e).unwrap();
        prop_assert_eq!(serde_json::from_value::<InvocationInput>(doc.clone()).unwrap(), e);
        for (path, what) in &edits {
            apply_edit(&mut doc, path, what);
        }
        let text = doc.to_string();
        if let Err(err) = serde_json::from_str::<InvocationInput>(&text) {
            prop_assert!(!err.to_string().is_empty());
        }
        // Truncated, it is never an event.
        let cut = text.len() / 2;
        prop_assert!(serde_json::from_slice::<InvocationInput>(&text.as_bytes()[..cut]).is_err());
    }

    /// A whole invocation over a fuzzed state and fuzzed checkpoint responses: a response
    /// (SUCCEEDED with JSON, FAILED with an error type, PENDING) or an invocation error.
    #[test]
    fn invocations_over_fuzzed_state_never_panic(e in event(), service in service()) {
        let out = invoke(e, service);
        check_output(&out)?;
    }

    /// The same, the event going through JSON and mutations first.
    #[test]
    fn invocations_over_mutated_events_never_panic(
        e in event(),
        edits in prop::collection::vec(edit(), 1..3),
    ) {
        let mut doc = serde_json::to_value(&e).unwrap();
        for (path, what) in &edits {
            apply_edit(&mut doc, path, what);
        }
        if let Ok(event) = serde_json::from_value::<InvocationInput>(doc) {
            check_output(&invoke(event, Service::default()))?;
        }
    }

    /// History events in any order and combination (valid-shaped, extreme values) fold into
    /// operations without a panic; every operation has an id an event gave it.
    #[test]
    fn histories_fold_into_operations(events in prop::collection::vec(history_event(), 0..24)) {
        let ops = operations_from_events(&events);
        for op in &ops {
            prop_assert!(events.iter().any(|e| e.id.as_deref() == Some(&*op.id)));
        }
        let _ = outcome_from_events(&events);
        // And through JSON: what serializes parses back.
        let text = serde_json::to_string(&events).unwrap();
        let back: Vec<Event> = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back.len(), events.len());
    }
}

fn event_payload() -> impl Strategy<Value = EventPayload> {
    (prop::option::of(payload()), any::<bool>())
        .prop_map(|(payload, truncated)| EventPayload { payload, truncated })
}

fn event_error() -> impl Strategy<Value = Option<EventError>> {
    prop::option::of(
        (prop::option::of(error_object()), any::<bool>())
            .prop_map(|(payload, truncated)| EventError { payload, truncated }),
    )
}

fn retry_details() -> impl Strategy<Value = RetryDetails> {
    (attempt(), prop::option::of(any::<u32>())).prop_map(|(current_attempt, next_attempt_delay_seconds)| {
        RetryDetails {
            current_attempt,
            next_attempt_delay_seconds,
        }
    })
}

/// One history event of any type, about one of a few operations.
fn history_event() -> impl Strategy<Value = Event> {
    let ids = prop_oneof![
        4 => prop::sample::select(&["inv", "1", "2", "3"][..]).prop_map(|s| Some(s.to_owned())),
        1 => prop::option::of(text()),
    ];
    let details = prop_oneof![
        (event_payload(), prop::option::of(any::<u64>())).prop_map(|(input, execution_timeout)| {
            EventDetails::ExecutionStarted(ExecutionStartedDetails {
                input,
                execution_timeout,
            })
        }),
        event_payload().prop_map(|result| EventDetails::ExecutionSucceeded(ResultDetails { result })),
        event_error().prop_map(|error| EventDetails::ExecutionFailed(ErrorDetails { error })),
        event_error().prop_map(|error| EventDetails::ExecutionTimedOut(ErrorDetails { error })),
        Just(EventDetails::ContextStarted(Empty {})),
        event_payload().prop_map(|result| EventDetails::ContextSucceeded(ResultDetails { result })),
        event_error().prop_map(|error| EventDetails::ContextFailed(ErrorDetails { error })),
        (any::<u64>(), millis()).prop_map(|(duration, scheduled_end_timestamp)| {
            EventDetails::WaitStarted(WaitStartedDetails {
                duration,
                scheduled_end_timestamp,
            })
        }),
        any::<u64>().prop_map(|duration| EventDetails::WaitSucceeded(WaitSucceededDetails { duration })),
        Just(EventDetails::StepStarted(Empty {})),
        (event_payload(), prop::option::of(retry_details())).prop_map(|(result, retry_details)| {
            EventDetails::StepSucceeded(StepSucceededDetails {
                result,
                retry_details,
            })
        }),
        (event_error(), retry_details()).prop_map(|(error, retry_details)| {
            EventDetails::StepFailed(StepFailedDetails {
                error: error.unwrap_or_default(),
                retry_details,
            })
        }),
        (text(), prop::option::of(event_payload())).prop_map(|(function_name, input)| {
            EventDetails::ChainedInvokeStarted(ChainedInvokeStartedDetails {
                function_name,
                input,
                ..Default::default()
            })
        }),
        event_payload().prop_map(|result| EventDetails::ChainedInvokeSucceeded(ResultDetails { result })),
        event_error().prop_map(|error| EventDetails::ChainedInvokeFailed(ErrorDetails { error })),
        (text(), prop::option::of(any::<u64>())).prop_map(|(callback_id, timeout)| {
            EventDetails::CallbackStarted(CallbackStartedDetails {
                callback_id,
                timeout,
                heartbeat_timeout: None,
            })
        }),
        event_payload().prop_map(|result| EventDetails::CallbackSucceeded(ResultDetails { result })),
        event_error().prop_map(|error| EventDetails::CallbackTimedOut(ErrorDetails { error })),
        (millis(), millis(), text(), event_error()).prop_map(
            |(start_timestamp, end_timestamp, request_id, error)| {
                EventDetails::InvocationCompleted(InvocationCompletedDetails {
                    start_timestamp,
                    end_timestamp,
                    request_id,
                    error,
                })
            }
        ),
    ];
    (ids, prop::option::of(word()), any::<u64>(), millis(), details).prop_map(
        |(id, name, event_id, event_timestamp, details)| Event {
            event_type: details.event_type().into(),
            sub_type: None,
            event_id,
            id: id.map(Into::into),
            name: name.map(Into::into),
            parent_id: None,
            event_timestamp,
            details,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Regressions found by the properties above
// ---------------------------------------------------------------------------------------------

/// A step whose recorded attempt count is `u32::MAX` and that then succeeds without retry
/// details: the attempt count saturates (it overflowed).
#[test]
fn a_history_with_the_largest_attempt_count_folds() {
    let step_event = |event_id: u64, details: EventDetails| Event {
        event_type: details.event_type().into(),
        sub_type: Some("Step".into()),
        event_id,
        id: Some("1".into()),
        name: None,
        parent_id: None,
        event_timestamp: EpochMillis(i64::MAX),
        details,
    };
    let events = [
        step_event(1, EventDetails::StepStarted(Empty {})),
        step_event(
            2,
            EventDetails::StepFailed(StepFailedDetails {
                error: EventError::default(),
                retry_details: RetryDetails {
                    current_attempt: u32::MAX,
                    // A retry in `u32::MAX` seconds after a start at the end of time.
                    next_attempt_delay_seconds: Some(u32::MAX),
                },
            }),
        ),
        step_event(3, EventDetails::StepSucceeded(StepSucceededDetails::default())),
    ];
    let ops = operations_from_events(&events);
    assert_eq!(ops.len(), 1);
    let step = ops[0].step_details.as_ref().unwrap();
    assert_eq!(step.attempt, u32::MAX);
    let ops = operations_from_events(&events[..2]);
    assert_eq!(
        ops[0].step_details.as_ref().unwrap().next_attempt_timestamp,
        Some(EpochMillis(i64::MAX))
    );
}

/// Integer milliseconds above 2^53 read back exactly (they went through an `f64`); numbers
/// beyond `i64` saturate.
#[test]
fn integer_timestamps_are_exact() {
    let t: EpochMillis = serde_json::from_str("9007199254740993").unwrap();
    assert_eq!(t, EpochMillis(9_007_199_254_740_993));
    let t: EpochMillis = serde_json::from_str("-15854592142227417").unwrap();
    assert_eq!(t, EpochMillis(-15_854_592_142_227_417));
    let t: EpochMillis = serde_json::from_str("18446744073709551615").unwrap();
    assert_eq!(t, EpochMillis(i64::MAX));
    #[derive(serde::Deserialize)]
    struct Api(#[serde(with = "api_seconds")] EpochMillis);
    let Api(t) = serde_json::from_str("9223372036854776").unwrap();
    assert_eq!(t, EpochMillis(i64::MAX));
    let Api(t) = serde_json::from_str("1795764340").unwrap();
    assert_eq!(t, EpochMillis(1_795_764_340_000));
    assert!(serde_json::from_str::<EpochMillis>("1e400").is_err());
}

/// A workflow that catches the suspend signal (its step failed because the service revoked
/// the token) and returns it: the invocation ends PENDING, as a revoked token says; it ended
/// FAILED with the SDK's internal `SuspendExecution`.
#[test]
fn a_caught_suspend_signal_still_suspends() {
    let event = InvocationInput {
        durable_execution_arn: "arn:x/inv".into(),
        checkpoint_token: "t0".into(),
        initial_execution_state: ExecutionStatePage {
            operations: vec![Arc::new(Operation::new(
                "inv",
                OperationType::Execution,
                OperationStatus::Started,
            ))],
            next_marker: None,
        },
        updated_operation_ids: Vec::new(),
    };
    // The first checkpoint comes back without a token: revoked.
    let out = invoke(event, (vec![Ok(CheckpointResponse::default())], Vec::new())).unwrap();
    assert_eq!(out, InvocationOutput::pending());
}

/// History holds an operation inside a child context but not the context itself (a map item
/// without its map, a step without its child context): the code starts the context live, its
/// START was queued when the inner record turned out to be another operation, and the
/// invocation hung (the queue was never sent after the fatal error, and the driver waited for
/// it to drain). Now the START goes out and the execution fails with the non-determinism.
#[test]
fn a_recorded_child_without_its_context_fails_instead_of_hanging() {
    let wf = workflow_fn("child", |ctx: DurableContext, _: Value| async move {
        let inner = ctx
            .run_in_child_context("group", |c: DurableContext| async move {
                c.step("s", |_| async { Ok::<_, DurableError>(1u32) }).await
            })
            .await;
        Ok(format!("{inner:?}"))
    });
    let mut exec = Operation::new("inv", OperationType::Execution, OperationStatus::Started);
    exec.execution_details = Some(ExecutionDetails {
        input_payload: Some("null".into()),
    });
    let stray = Operation::new(id::wire_id("1-1"), OperationType::Wait, OperationStatus::Started);
    let event = InvocationInput {
        durable_execution_arn: "arn:x/inv".into(),
        checkpoint_token: "t0".into(),
        initial_execution_state: ExecutionStatePage {
            operations: vec![Arc::new(exec), Arc::new(stray)],
            next_marker: None,
        },
        updated_operation_ids: Vec::new(),
    };
    let out = invoke_workflow(&wf, event, Service::default()).unwrap();
    assert_eq!(out.status, InvocationStatus::Failed);
    let error = out.error.unwrap();
    assert_eq!(error.type_name(), "NonDeterministicExecutionError", "{error}");
    assert!(error.message().contains("1-1"), "{error}");
}

/// A step and a wait-for-condition whose records say `u32::MAX` attempts were made: the next
/// attempt number, and the count after it is acknowledged, overflowed (a panic in debug
/// builds); they saturate.
#[test]
fn the_largest_attempt_count_does_not_overflow() {
    let wf = workflow_fn("attempts", |ctx: DurableContext, _: Value| async move {
        let step = ctx.step("s", |_| async { Ok::<_, DurableError>(1u32) }).await;
        let policy = PollingPolicy::until_not(|s: &u32| *s < 1).fixed_delay(Duration::from_secs(1));
        let polled = ctx
            .wait_for_condition("c", 0u32, policy, |s: u32, _| async move {
                Ok::<_, DurableError>(s + 1)
            })
            .await;
        Ok(format!("{step:?} {polled:?}"))
    });
    let mut exec = Operation::new("inv", OperationType::Execution, OperationStatus::Started);
    exec.execution_details = Some(ExecutionDetails {
        input_payload: Some("null".into()),
    });
    let mut records = vec![exec];
    for (path, name, sub) in [
        ("1", "s", sub_type::STEP),
        ("2", "c", sub_type::WAIT_FOR_CONDITION),
    ] {
        let mut op = Operation::new(id::wire_id(path), OperationType::Step, OperationStatus::Started);
        op.name = Some(name.into());
        op.sub_type = Some(sub.into());
        op.step_details = Some(StepDetails {
            attempt: u32::MAX,
            ..StepDetails::default()
        });
        records.push(op);
    }
    let event = InvocationInput {
        durable_execution_arn: "arn:x/inv".into(),
        checkpoint_token: "t0".into(),
        initial_execution_state: ExecutionStatePage {
            operations: records.into_iter().map(Arc::new).collect(),
            next_marker: None,
        },
        updated_operation_ids: Vec::new(),
    };
    let out = invoke_workflow(&wf, event, Service::default()).unwrap();
    assert_ne!(out.status, InvocationStatus::Failed, "{out:?}");
}
