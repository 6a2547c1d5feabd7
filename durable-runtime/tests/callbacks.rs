//! Callbacks end to end on the local engine: answers, failures, timeouts, heartbeats,
//! wait-for-callback, and the callback API's typed errors.

use durable_runtime::local::{CallbackAnswer, CallbackApiError, EngineError, ExecutionStatus, LocalEngine};
use durable_runtime::prelude::*;
use durable_runtime::testing::TestRunner;
use durable_runtime::wire::ErrorObject;
use std::sync::Arc;

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Decision {
    approved: bool,
}

fn approval() -> impl Workflow<Input = (), Output = String> {
    workflow_fn("approval", |ctx: DurableContext, _: ()| async move {
        let cb = ctx
            .create_callback::<Decision>("manager")
            .timeout(Duration::from_secs(7 * 24 * 3600))
            .await?;
        match cb.result().await {
            Ok(d) => Ok(format!("approved={}", d.approved)),
            Err(DurableError::CallbackFailed { error, .. }) => Ok(format!("rejected: {}", error.message())),
            Err(DurableError::CallbackTimedOut { error, .. }) => {
                Ok(format!("timed out: {}", error.type_name()))
            }
            Err(e) => Err(e),
        }
    })
}

#[tokio::test]
async fn answered_callbacks_resume_the_execution() {
    let runner = TestRunner::new(approval());
    runner.answer_callback("manager", serde_json::json!({"approved": true}));
    let r = runner.run(&()).await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "approved=true");
    let types: Vec<_> = r.history().iter().map(|e| &*e.event_type).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "CallbackStarted",
            "InvocationCompleted",
            "CallbackSucceeded",
            "InvocationCompleted",
            "ExecutionSucceeded"
        ]
    );
}

/// Lets every callback error propagate: the execution fails with it.
fn strict_approval() -> impl Workflow<Input = (), Output = bool> {
    workflow_fn("strict-approval", |ctx: DurableContext, _: ()| async move {
        let cb = ctx
            .create_callback::<Decision>("manager")
            .timeout(Duration::from_secs(3600))
            .await?;
        let by_hand: Decision = ctx
            .wait_for_callback("countersign", |_id: String, _| async {
                Ok::<_, DurableError>(())
            })
            .timeout(Duration::from_secs(3600))
            .await?;
        Ok(cb.result().await?.approved && by_hand.approved)
    })
}

#[tokio::test]
async fn a_failed_callback_that_propagates_fails_the_execution_as_a_callback_error() {
    // As the reference SDKs record it: `CallbackError`, the sender's error kept inside.
    let runner = TestRunner::new(strict_approval());
    runner
        .answer_callback("manager", serde_json::json!({"approved": true}))
        .fail_callback(
            "countersign",
            ErrorObject::new("RejectedError", "not approved").with_data(r#"{"by":"legal"}"#),
        );
    let r = runner.run(&()).await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Failed);
    let error = r.error().unwrap();
    assert_eq!(error.type_name(), "CallbackError");
    assert_eq!(
        error.message(),
        "callback `countersign` (2) failed: RejectedError: not approved"
    );
    assert_eq!(error.error_data.as_deref(), Some(r#"{"by":"legal"}"#));

    // A timeout: `CallbackTimeoutError`, naming the callback and its position.
    let r = TestRunner::new(strict_approval()).run(&()).await.unwrap();
    let error = r.error().unwrap();
    assert_eq!(error.type_name(), "CallbackTimeoutError");
    assert!(
        error
            .message()
            .starts_with("callback `countersign` (2) timed out: Callback.Timeout"),
        "{}",
        error.message()
    );
}

#[tokio::test]
async fn a_caught_callback_failure_carries_the_senders_error_on_the_first_run_and_on_replay() {
    // The countersign context's record keeps the sender's error, so a replay rebuilds the
    // same variant with the same inner error as the first run (the replay check runs it).
    let wf = workflow_fn("catching", |ctx: DurableContext, _: ()| async move {
        let outcome = ctx
            .wait_for_callback::<Decision, _, _, _>("countersign", |_id: String, _| async {
                Ok::<_, DurableError>(())
            })
            .await;
        ctx.wait("cool-off", Duration::from_secs(5)).await?;
        match outcome {
            Err(e @ DurableError::CallbackFailed { .. }) => {
                let DurableError::CallbackFailed { error, position, .. } = &e else {
                    unreachable!()
                };
                Ok(format!(
                    "{} | {} | {position} | {e}",
                    error.type_name(),
                    e.error_type().unwrap_or_default()
                ))
            }
            other => Ok(format!("unexpected: {other:?}")),
        }
    });
    let runner = TestRunner::new(wf);
    runner.fail_callback("countersign", ErrorObject::new("RejectedError", "no"));
    let r = runner.run(&()).await.unwrap();
    assert_eq!(
        r.output::<String>().unwrap(),
        "RejectedError | CallbackError | 1 | callback `countersign` (1) failed: RejectedError: no"
    );
}

#[tokio::test]
async fn failures_and_timeouts_are_distinct_errors() {
    let runner = TestRunner::new(approval());
    runner.fail_callback("manager", ErrorObject::new("RejectedError", "not approved"));
    assert_eq!(
        runner.run(&()).await.unwrap().output::<String>().unwrap(),
        "rejected: not approved"
    );

    let unanswered = TestRunner::new(approval()).run(&()).await.unwrap();
    assert_eq!(
        unanswered.output::<String>().unwrap(),
        "timed out: Callback.Timeout"
    );
    let timed_out = unanswered
        .history()
        .iter()
        .find(|e| e.event_type == "CallbackTimedOut")
        .unwrap();
    // The timeout fires a week of virtual time after the callback started.
    let started = unanswered
        .history()
        .iter()
        .find(|e| e.event_type == "CallbackStarted")
        .unwrap();
    assert_eq!(
        timed_out.event_timestamp.0 - started.event_timestamp.0,
        7 * 24 * 3600 * 1000
    );
}

#[tokio::test]
async fn heartbeats_keep_a_callback_alive() {
    let wf = workflow_fn("hb", |ctx: DurableContext, _: ()| async move {
        let cb = ctx
            .create_callback::<u32>("job")
            .heartbeat_timeout(Duration::from_secs(10))
            .await?;
        cb.result().await
    });
    let engine = LocalEngine::in_memory();
    let wf = Arc::new(wf);
    let arn = engine.start_execution("hb", None).unwrap();
    engine.invoke(&wf, &arn).await.unwrap();
    let record = engine.store().get(&arn).unwrap();
    let id = record.operations[1]
        .callback_details
        .as_ref()
        .unwrap()
        .callback_id
        .clone()
        .unwrap();
    struct Script(Vec<durable_runtime::local::ScheduledAnswer>);
    impl durable_runtime::local::Responder for Script {
        fn observe(
            &mut self,
            _: &durable_runtime::local::ExecutionRecord,
            _: durable_runtime::wire::EpochMillis,
        ) -> Vec<durable_runtime::local::ScheduledAnswer> {
            std::mem::take(&mut self.0)
        }
    }
    let t0 = engine.clock().now_ms();
    let at = |s: i64| durable_runtime::wire::EpochMillis(t0 + s * 1000);
    let answer = |s, a| durable_runtime::local::ScheduledAnswer {
        at: at(s),
        callback_id: id.clone(),
        answer: a,
    };
    // Heartbeats at 8 s and 16 s keep it alive past 10 s; the answer comes at 24 s.
    let mut script = Script(vec![
        answer(8, CallbackAnswer::Heartbeat),
        answer(16, CallbackAnswer::Heartbeat),
        answer(24, CallbackAnswer::Succeed(Some("5".into()))),
    ]);
    let record = engine.run_with(&wf, &arn, &mut script).await.unwrap();
    assert_eq!(record.status, ExecutionStatus::Succeeded);
    assert_eq!(record.result.as_deref(), Some("5"));

    // Without heartbeats it times out with Callback.Heartbeat.
    let r = TestRunner::new(workflow_fn("hb2", |ctx: DurableContext, _: ()| async move {
        let cb = ctx
            .create_callback::<u32>("job")
            .heartbeat_timeout(Duration::from_secs(10))
            .await?;
        cb.result().await
    }))
    .run(&())
    .await
    .unwrap();
    assert_eq!(r.status(), ExecutionStatus::Failed);
    let error = r.error().unwrap();
    assert_eq!(error.type_name(), "CallbackTimeoutError");
    assert!(
        error
            .message()
            .starts_with("callback `job` (1) timed out: Callback.Heartbeat"),
        "{}",
        error.message()
    );

    // Answers to closed or unknown callbacks are typed errors.
    assert!(matches!(
        engine.answer_callback(&id, CallbackAnswer::Heartbeat),
        Err(EngineError::Callback(CallbackApiError::AlreadyClosed { .. }))
    ));
    assert!(matches!(
        engine.answer_callback("made-up", CallbackAnswer::Heartbeat),
        Err(EngineError::Callback(CallbackApiError::NotFound(_)))
    ));
}

#[tokio::test]
async fn wait_for_callback_runs_the_submitter_as_a_step() {
    let wf = workflow_fn("wfc", |ctx: DurableContext, _: ()| async move {
        let v: String = ctx
            .wait_for_callback("warehouse", |callback_id: String, s| async move {
                s.logger.info(format!("notify warehouse with {callback_id}"));
                Ok::<_, DurableError>(())
            })
            .timeout(Duration::from_secs(3600))
            .await?;
        Ok(v)
    });
    let runner = TestRunner::new(wf);
    runner.answer_callback("warehouse", serde_json::json!("shipped"));
    let r = runner.run(&()).await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "shipped");
    let shape: Vec<(String, Option<String>)> = r
        .history()
        .iter()
        .map(|e| (e.event_type.to_string(), e.sub_type.as_deref().map(str::to_owned)))
        .collect();
    let expect = |t: &str, s: Option<&str>| (t.to_owned(), s.map(str::to_owned));
    assert_eq!(
        shape[1..7],
        [
            expect("ContextStarted", Some("WaitForCallback")),
            expect("CallbackStarted", Some("Callback")),
            expect("StepStarted", Some("Step")),
            expect("StepSucceeded", Some("Step")),
            expect("InvocationCompleted", None),
            expect("CallbackSucceeded", Some("Callback")),
        ]
    );
    assert_eq!(r.logs().len(), 1);
}

#[tokio::test]
async fn a_failing_submitter_is_a_submitter_error() {
    let wf = workflow_fn("wfc", |ctx: DurableContext, _: ()| async move {
        let r: Result<String, DurableError> = ctx
            .wait_for_callback("warehouse", |_id: String, _s| async move {
                Err::<(), _>(DurableError::failure("Unreachable", "warehouse API down"))
            })
            .retry(RetryPresets::none())
            .await;
        match r {
            Err(DurableError::CallbackSubmitterFailed { error, .. }) => Ok(error.message().to_owned()),
            other => Ok(format!("unexpected {other:?}")),
        }
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "warehouse API down");
}

fn racing_confirmation() -> impl Workflow<Input = String, Output = String> {
    workflow_fn("race", |ctx: DurableContext, po: String| async move {
        let confirmation =
            ctx.wait_for_callback("supplier-confirmation", |_, _| async { Ok::<_, String>(()) });
        let timeout = ctx.wait("confirmation-timeout", Duration::from_secs(3 * 24 * 3600));
        tokio::select! {
            biased;
            date = confirmation => {
                let date: String = date?;
                Ok::<_, DurableError>(format!("{po} ships {date}"))
            }
            expired = timeout => {
                expired?;
                Ok(format!("{po}: no confirmation"))
            }
        }
    })
}

/// A callback raced against a durable timeout (`select!` with `biased;`, callback first):
/// when the answer arrives while the execution is suspended, the next invocation finishes the
/// wait-for-callback's context and must then see its result at once, not suspend until the
/// timeout fires days later. (The driver once declared the run quiescent right after the
/// acknowledgement that completed the context, before the code could see it.)
#[tokio::test]
async fn an_answer_that_arrives_while_suspended_wins_a_race_against_a_timeout() {
    for check in [true, false] {
        let runner = TestRunner::new(racing_confirmation()).replay_check(check);
        runner.answer_callback("supplier-confirmation", serde_json::json!("2026-12-24"));
        let r = runner.run("PO-7").await.unwrap();
        assert_eq!(
            r.output::<String>().unwrap(),
            "PO-7 ships 2026-12-24",
            "{}",
            r.timeline()
        );
        assert_eq!(r.invocations(), 2, "{}", r.timeline());
        assert!(
            r.history().iter().all(|e| e.event_type != "WaitSucceeded"),
            "{}",
            r.timeline()
        );
    }
}

/// An answer of the wrong shape is the sender's fault: the workflow gets a typed error it can
/// catch (and compensate on), naming the callback, instead of a fatal serialization failure.
fn reserve_then_approve() -> impl Workflow<Input = (), Output = String> {
    workflow_fn("reserve-then-approve", |ctx: DurableContext, _: ()| async move {
        let room: String = ctx
            .step("reserve-room", |_| async {
                Ok::<_, DurableError>("room-7".to_owned())
            })
            .await?;
        let decision: Result<Decision, DurableError> = ctx
            .wait_for_callback("final-approval", |_id: String, _| async { Ok::<_, String>(()) })
            .await;
        match decision {
            Ok(d) => Ok(format!("approved={}", d.approved)),
            Err(e @ DurableError::InvalidPayload { .. }) => {
                let released: String = ctx
                    .step("release-room", move |_| async move {
                        Ok::<_, DurableError>(format!("released {room}"))
                    })
                    .await?;
                Ok(format!("{released} after: {e}"))
            }
            Err(e) => Err(e),
        }
    })
}

#[tokio::test]
async fn a_wrong_shaped_answer_is_an_error_the_workflow_can_handle() {
    for check in [true, false] {
        let runner = TestRunner::new(reserve_then_approve()).replay_check(check);
        runner.answer_callback("final-approval", serde_json::json!("yes"));
        let r = runner.run(&()).await.unwrap();
        let out = r.output::<String>().unwrap();
        assert!(
            out.starts_with("released room-7 after: callback `final-approval` ("),
            "{out}"
        );
        assert!(
            out.contains("does not decode as the type the workflow expects"),
            "{out}"
        );
        assert!(out.contains("expected struct Decision"), "{out}");
        assert!(r.operation("release-room").is_some());
    }
}
