//! The TestRunner's features, through its public API as a user writes tests: chained-invoke
//! targets and mocks, runs held by the test (wait for an operation, answer its callback, let
//! time pass), and step mocks and attempt assertions.

use durable_runtime::local::{CallbackAnswer, CallbackApiError, EngineError, ExecutionStatus};
use durable_runtime::prelude::*;
use durable_runtime::testing::{
    AttemptResult, InvokeTarget, OperationState, Stalled, TestRunError, TestRunner,
};
use durable_runtime::wire::{ErrorObject, OperationStatus};
use durable_runtime::{MockOutcome, StepContext};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

const HOUR: u64 = 3600;

// ---------------------------------------------------------------------------------------
// Chained invokes
// ---------------------------------------------------------------------------------------

/// Charges through one function, ships through another.
fn checkout() -> impl Workflow<Input = u64, Output = String> {
    workflow_fn("checkout", |ctx: DurableContext, cents: u64| async move {
        let receipt: String = ctx
            .invoke("charge", "payments", json!({ "cents": cents }))
            .await?;
        let label: Value = ctx
            .invoke("ship", "shipping", json!({ "receipt": receipt }))
            .await?;
        Ok(format!("{receipt} {label}"))
    })
}

fn payments() -> impl Workflow<Input = Value, Output = String> {
    workflow_fn("payments", |ctx: DurableContext, input: Value| async move {
        let cents = input["cents"].as_u64().unwrap_or(0);
        ctx.wait("settle", Duration::from_secs(60)).await?;
        ctx.step("capture", move |_| async move {
            Ok::<_, DurableError>(format!("rcpt-{cents}"))
        })
        .await
    })
}

#[tokio::test]
async fn a_registered_workflow_runs_as_an_execution_of_its_own() {
    let runner = TestRunner::new(checkout());
    runner.register_workflow(payments());
    runner.register_function("shipping", |v: Value| {
        Ok(json!(format!(
            "label for {}",
            v["receipt"].as_str().unwrap_or("?")
        )))
    });
    let r = runner.run(&4200u64).await.unwrap();

    assert_eq!(r.output::<String>().unwrap(), "rcpt-4200 \"label for rcpt-4200\"");
    let charge = r.invoke_calls("charge");
    assert_eq!(charge.len(), 1);
    assert_eq!(charge[0].target, InvokeTarget::Workflow);
    assert_eq!(charge[0].function_name, "payments");
    assert_eq!(charge[0].input, json!({ "cents": 4200 }));
    assert_eq!(charge[0].outcome, Ok(json!("rcpt-4200")));
    // Its own execution, with its own history (its wait included), under the same clock.
    let child = charge[0].execution.as_ref().unwrap();
    assert_eq!(child.status, ExecutionStatus::Succeeded);
    assert_ne!(child.arn, r.record().arn);
    let child_events: Vec<_> = child.events.iter().map(|e| &*e.event_type).collect();
    assert!(child_events.contains(&"WaitSucceeded"), "{child_events:?}");
    assert!(r.history().iter().all(|e| e.event_type != "WaitSucceeded"));
    // The caller's invoke ended after the child's minute of waiting.
    let invoke = r.operation("charge").unwrap();
    assert_eq!(invoke.status, OperationStatus::Succeeded);
    assert!(invoke.end_timestamp.unwrap().0 - invoke.start_timestamp.unwrap().0 >= 60_000);

    let ship = r.invoke_calls("shipping");
    assert_eq!(ship[0].target, InvokeTarget::Function);
    assert_eq!(
        ship[0].input_as::<Value>().unwrap(),
        json!({ "receipt": "rcpt-4200" })
    );
}

#[tokio::test]
async fn invokes_are_mocked_by_function_or_operation_name_and_their_inputs_recorded() {
    let runner = TestRunner::new(checkout());
    runner.mock_invoke("payments", json!("rcpt-mocked")); // by function name
    runner.mock_invoke("ship", json!({ "label": "L1" })); // by operation name
    runner.register_function("shipping", |_| {
        Err(ErrorObject::new("Unexpected", "the mock must win"))
    });
    let r = runner.run(&99u64).await.unwrap();

    assert_eq!(r.output::<String>().unwrap(), r#"rcpt-mocked {"label":"L1"}"#);
    let calls = r.all_invoke_calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].operation_name.as_deref(), Some("charge"));
    assert_eq!(calls[0].function_name, "payments");
    assert_eq!(calls[0].target, InvokeTarget::Mock);
    assert_eq!(calls[0].input, json!({ "cents": 99 }));
    assert_eq!(calls[1].input, json!({ "receipt": "rcpt-mocked" }));
    assert_eq!(calls[1].outcome, Ok(json!({ "label": "L1" })));
    // Addressed by either name.
    assert_eq!(r.invoke_calls("shipping").len(), 1);
    assert_eq!(r.invoke_calls("ship").len(), 1);
    assert!(r.invoke_calls("nothing").is_empty());
}

#[tokio::test]
async fn a_mocked_invoke_error_reaches_the_workflow_and_outcomes_go_one_per_call() {
    let wf = workflow_fn("retrying-pay", |ctx: DurableContext, _: ()| async move {
        let mut seen = Vec::new();
        for i in 0..3 {
            let attempt: Result<String, DurableError> = ctx
                .invoke(format!("pay-{i}"), "payments", json!({ "try": i }))
                .await;
            seen.push(match attempt {
                Ok(v) => v,
                Err(DurableError::InvokeFailed { error, .. }) => format!("declined: {}", error.type_name()),
                Err(e) => return Err(e),
            });
        }
        Ok(seen)
    });
    let runner = TestRunner::new(wf);
    runner.mock_invoke_outcomes(
        "payments",
        vec![
            MockOutcome::Fail(ErrorObject::new("CardDeclined", "insufficient funds")),
            MockOutcome::Succeed(json!("rcpt-2")),
        ],
    );
    let r = runner.run(&()).await.unwrap();
    assert_eq!(
        r.output::<Vec<String>>().unwrap(),
        ["declined: CardDeclined", "rcpt-2", "rcpt-2"]
    );
    let inputs: Vec<_> = r
        .invoke_calls("payments")
        .iter()
        .map(|c| c.input.clone())
        .collect();
    assert_eq!(
        inputs,
        [json!({ "try": 0 }), json!({ "try": 1 }), json!({ "try": 2 })]
    );

    // mock_invoke_error: every call fails.
    let runner = TestRunner::new(checkout());
    runner.mock_invoke_error("charge", ErrorObject::new("CardDeclined", "no"));
    let r = runner.run(&1u64).await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Failed);
    assert_eq!(r.operation("charge").unwrap().status, OperationStatus::Failed);
    assert_eq!(
        r.all_invoke_calls().len(),
        1,
        "the workflow stopped at the failed charge"
    );
}

#[tokio::test]
async fn an_invoke_without_target_fails_as_on_lambda() {
    let r = TestRunner::new(checkout()).run(&1u64).await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Failed);
    let call = &r.all_invoke_calls()[0];
    assert_eq!(call.target, InvokeTarget::Missing);
    let error = call.outcome.as_ref().unwrap_err();
    assert_eq!(error.type_name(), "ResourceNotFoundException");
    assert_eq!(error.message(), "Function not found: payments");
}

#[tokio::test]
async fn scripts_apply_inside_invoked_workflows_and_their_steps_stay_theirs() {
    let runner = TestRunner::new(checkout());
    runner.register_workflow(payments());
    runner.mock_step("capture", json!("rcpt-from-mock"));
    runner.mock_invoke("shipping", json!("L"));
    let r = runner.run(&5u64).await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "rcpt-from-mock \"L\"");
    // The step ran in the invoked execution, not in this one.
    assert!(r.step_attempts("capture").is_empty());
    let child = r.invoke_calls("charge")[0].execution.as_ref().unwrap();
    assert!(child
        .operations
        .iter()
        .any(|o| o.name.as_deref() == Some("capture")));
}

// ---------------------------------------------------------------------------------------
// Runs held by the test
// ---------------------------------------------------------------------------------------

fn onboarding() -> impl Workflow<Input = String, Output = String> {
    workflow_fn("onboarding", |ctx: DurableContext, user: String| async move {
        let account: String = ctx
            .step("create-account", move |_| async move {
                Ok::<_, DurableError>(format!("acct-{user}"))
            })
            .await?;
        ctx.wait("cool-off", Duration::from_secs(HOUR)).await?;
        let verified: bool = ctx
            .wait_for_callback("verify-email", |_id: String, _| async {
                Ok::<_, DurableError>(())
            })
            .timeout(Duration::from_secs(24 * HOUR))
            .await?;
        Ok(format!("{account} verified={verified}"))
    })
}

#[tokio::test]
async fn the_test_waits_for_a_callback_reads_it_and_answers_it() {
    let run = TestRunner::new(onboarding()).start("ada").unwrap();
    let verify = run
        .wait_for_operation("verify-email", OperationState::Submitted)
        .await
        .unwrap();
    assert_eq!(verify.status, OperationStatus::Started);
    let id = verify.callback_id().unwrap().to_owned();
    assert_eq!(verify.callback().unwrap().status, OperationStatus::Started);

    // The hour of cool-off passed by itself; the callback's 24-hour timeout did not.
    let cool_off = run
        .wait_for_operation("cool-off", OperationState::Completed)
        .await
        .unwrap();
    assert_eq!(cool_off.status, OperationStatus::Succeeded);
    assert!(run.elapsed() >= Duration::from_secs(HOUR));
    assert!(run.elapsed() < Duration::from_secs(24 * HOUR));
    // Nothing more happens without the test: waiting for the end says so instead of hanging.
    match run
        .wait_for_operation("verify-email", OperationState::Completed)
        .await
    {
        Err(TestRunError::NotReached {
            why: Stalled::WaitingForTest { open_callbacks },
            found: 0,
            ..
        }) => {
            assert_eq!(open_callbacks.len(), 1);
            assert_eq!(open_callbacks[0].name, "verify-email");
            assert_eq!(open_callbacks[0].callback_id, id);
            assert_eq!(open_callbacks[0].execution_arn, run.execution_arn());
        }
        other => panic!("expected NotReached(WaitingForTest), got {other:?}"),
    }
    assert_eq!(run.status().unwrap(), ExecutionStatus::Running);

    run.answer_callback("verify-email", json!(true)).await.unwrap();
    let done = run
        .wait_for_operation("verify-email", OperationState::Completed)
        .await
        .unwrap();
    assert!(done.output::<bool>().unwrap());
    let r = run.result().await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "acct-ada verified=true");
    assert!(r.history().iter().all(|e| e.event_type != "CallbackTimedOut"));
}

#[tokio::test]
async fn time_passes_past_a_callback_timeout_only_when_the_test_says() {
    let run = TestRunner::new(onboarding()).start("bob").unwrap();
    run.wait_for_operation("verify-email", OperationState::Started)
        .await
        .unwrap();
    run.advance(Duration::from_secs(23 * HOUR)).await;
    let verify = run.operation("verify-email").unwrap().unwrap();
    assert_eq!(
        verify.status,
        OperationStatus::Started,
        "still open after 23 hours"
    );
    run.advance(Duration::from_secs(HOUR)).await;
    assert_eq!(run.status().unwrap(), ExecutionStatus::Failed);

    let r = run.result().await.unwrap();
    assert_eq!(r.error().unwrap().type_name(), "CallbackTimeoutError");
    let at = |t: &str| {
        r.history()
            .iter()
            .find(|e| e.event_type == t)
            .unwrap()
            .event_timestamp
            .0
    };
    assert_eq!(
        at("CallbackTimedOut") - at("CallbackStarted"),
        24 * HOUR as i64 * 1000
    );
}

#[tokio::test]
async fn result_gives_time_back_and_an_unanswered_callback_times_out_as_in_run() {
    let run = TestRunner::new(onboarding()).start("cy").unwrap();
    run.wait_for_operation("verify-email", OperationState::Started)
        .await
        .unwrap();
    let held = run.result().await.unwrap();
    let direct = TestRunner::new(onboarding()).run("cy").await.unwrap();
    assert_eq!(held.status(), ExecutionStatus::Failed);
    assert_eq!(held.error(), direct.error());
    let types = |r: &durable_runtime::testing::TestResult| -> Vec<String> {
        r.history().iter().map(|e| e.event_type.to_string()).collect()
    };
    assert_eq!(types(&held), types(&direct));
    assert_eq!(held.invocations(), direct.invocations());
}

#[tokio::test]
async fn scripted_answers_keep_working_and_do_not_hold_the_run() {
    let runner = TestRunner::new(onboarding());
    runner.answer_callback("verify-email", json!(false));
    let run = runner.start("dee").unwrap();
    run.settle().await;
    assert_eq!(run.status().unwrap(), ExecutionStatus::Succeeded);
    assert_eq!(
        run.result().await.unwrap().output::<String>().unwrap(),
        "acct-dee verified=false"
    );

    // A scripted answer later than the timeout: the timeout wins, as in `run`.
    let runner = TestRunner::new(onboarding());
    runner.answer_callback_after(
        "verify-email",
        Duration::from_secs(25 * HOUR),
        CallbackAnswer::Succeed(Some("true".into())),
    );
    let run = runner.start("eve").unwrap();
    run.settle().await;
    let r = run.result().await.unwrap();
    assert_eq!(r.error().unwrap().type_name(), "CallbackTimeoutError");
}

/// Opens a callback (1 h timeout), waits 10 minutes, then 2 hours, then reads the callback.
fn approval_with_waits() -> impl Workflow<Input = (), Output = String> {
    workflow_fn("approval", |ctx: DurableContext, _: ()| async move {
        let started = ctx.now().await?;
        let approval = ctx
            .create_callback::<bool>("approve")
            .timeout(Duration::from_secs(HOUR))
            .await?;
        ctx.wait("short", Duration::from_secs(600)).await?;
        ctx.wait("long", Duration::from_secs(2 * HOUR)).await?;
        let answer = match approval.result().await {
            Ok(ok) => format!("approved={ok}"),
            Err(DurableError::CallbackTimedOut { error, .. }) => format!("timed out: {}", error.type_name()),
            Err(e) => return Err(e),
        };
        let ended = ctx.now().await?;
        let minutes = ended.duration_since(started).unwrap_or_default().as_secs() / 60;
        Ok(format!("{answer} after {minutes} min"))
    })
}

#[tokio::test]
async fn timers_before_an_open_callbacks_deadline_fire_later_ones_wait_for_the_test() {
    let run = TestRunner::new(approval_with_waits()).start(&()).unwrap();
    // Ten minutes are before the callback's deadline: they pass by themselves.
    run.wait_for_operation("short", OperationState::Completed)
        .await
        .unwrap();
    // Two more hours would pass it: the run waits for the test.
    let err = run
        .wait_for_operation("long", OperationState::Completed)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            TestRunError::NotReached {
                why: Stalled::WaitingForTest { .. },
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(run.elapsed(), Duration::from_secs(600));
    // Answered, the callback no longer holds time back.
    run.answer_callback("approve", json!(true)).await.unwrap();
    let r = run.result().await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "approved=true after 130 min");
}

#[tokio::test]
async fn advancing_by_hand_times_the_callback_out_and_ctx_now_follows() {
    let run = TestRunner::new(approval_with_waits()).start(&()).unwrap();
    run.wait_for_operation("short", OperationState::Completed)
        .await
        .unwrap();
    run.advance(Duration::from_secs(30 * 60)).await;
    assert_eq!(run.elapsed(), Duration::from_secs(40 * 60));
    assert_eq!(
        run.operation("approve").unwrap().unwrap().status,
        OperationStatus::Started
    );
    run.advance(Duration::from_secs(30 * 60)).await;
    // The callback timed out at 60 min; nothing held the rest back.
    let r = run.result().await.unwrap();
    assert_eq!(
        r.output::<String>().unwrap(),
        "timed out: Callback.Timeout after 130 min"
    );
}

#[tokio::test]
async fn heartbeats_sent_by_the_test_keep_a_callback_alive() {
    let wf = workflow_fn("job", |ctx: DurableContext, _: ()| async move {
        let job = ctx
            .create_callback::<u32>("job")
            .heartbeat_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(HOUR))
            .await?;
        match job.result().await {
            Ok(n) => Ok(format!("done {n}")),
            Err(DurableError::CallbackTimedOut { error, .. }) => Ok(format!("lost: {}", error.type_name())),
            Err(e) => Err(e),
        }
    });
    let runner = TestRunner::new(wf);
    let run = runner.start(&()).unwrap();
    run.wait_for_operation("job", OperationState::Started)
        .await
        .unwrap();
    run.advance(Duration::from_secs(8)).await;
    run.heartbeat_callback("job").await.unwrap();
    run.advance(Duration::from_secs(8)).await; // 16 s: alive thanks to the heartbeat at 8 s
    assert_eq!(
        run.operation("job").unwrap().unwrap().status,
        OperationStatus::Started
    );
    run.advance(Duration::from_secs(3)).await; // 19 s: 11 s since the last heartbeat
    assert_eq!(
        run.result().await.unwrap().output::<String>().unwrap(),
        "lost: Callback.Heartbeat"
    );

    let run = runner.start(&()).unwrap();
    run.wait_for_operation("job", OperationState::Started)
        .await
        .unwrap();
    run.advance(Duration::from_secs(9)).await;
    run.heartbeat_callback("job").await.unwrap();
    run.advance(Duration::from_secs(9)).await;
    run.answer_callback("job", json!(7)).await.unwrap();
    assert_eq!(run.result().await.unwrap().output::<String>().unwrap(), "done 7");
}

/// Three map items, each waiting for its own approval.
fn batch_approval() -> impl Workflow<Input = Vec<String>, Output = Vec<String>> {
    workflow_fn(
        "batch-approval",
        |ctx: DurableContext, docs: Vec<String>| async move {
            let results = ctx
                .map(
                    "review-all",
                    docs,
                    |item: DurableContext, doc: String, _| async move {
                        let verdict: String = item
                            .wait_for_callback("approve", |_id: String, _| async {
                                Ok::<_, DurableError>(())
                            })
                            .timeout(Duration::from_secs(HOUR))
                            .await?;
                        Ok(format!("{doc}: {verdict}"))
                    },
                )
                .await?;
            Ok(results.into_results())
        },
    )
}

#[tokio::test]
async fn callbacks_inside_map_items_are_found_and_answered_by_id() {
    let run = TestRunner::new(batch_approval()).start(&["a", "b", "c"]).unwrap();
    let approvals = run
        .wait_for_operations("approve", OperationState::Started, 3)
        .await
        .unwrap();
    assert_eq!(approvals.len(), 3);
    // Same name three times: answering by name is ambiguous, a typed error.
    match run.answer_callback("approve", json!("ok")).await {
        Err(TestRunError::AmbiguousCallback { callback_ids, .. }) => assert_eq!(callback_ids.len(), 3),
        other => panic!("expected AmbiguousCallback, got {other:?}"),
    }
    for (view, verdict) in approvals.iter().zip(["yes", "no", "maybe"]) {
        let answer = CallbackAnswer::Succeed(Some(json!(verdict).to_string()));
        run.send_callback(view.callback_id().unwrap(), answer)
            .await
            .unwrap();
    }
    let r = run.result().await.unwrap();
    assert_eq!(
        r.output::<Vec<String>>().unwrap(),
        ["a: yes", "b: no", "c: maybe"]
    );
    let item = r.operation_at("review-all/map-item-1/approve").unwrap();
    assert_eq!(item.status, OperationStatus::Succeeded);
}

#[tokio::test]
async fn callbacks_inside_map_items_are_waited_for_and_answered_by_path() {
    let run = TestRunner::new(batch_approval()).start(&["a", "b", "c"]).unwrap();
    let second = run
        .wait_for_operation("review-all/map-item-1/approve", OperationState::Started)
        .await
        .unwrap();
    assert_eq!(second.operation().name.as_deref(), Some("approve"));
    for (path, verdict) in [
        ("review-all/map-item-2/approve", "maybe"),
        ("review-all/map-item-0/approve", "yes"),
        ("review-all/map-item-1/approve", "no"),
    ] {
        run.answer_callback(path, json!(verdict)).await.unwrap();
    }
    let r = run.result().await.unwrap();
    assert_eq!(
        r.output::<Vec<String>>().unwrap(),
        ["a: yes", "b: no", "c: maybe"]
    );
}

#[tokio::test]
async fn scripted_answers_address_one_map_item_by_path() {
    let runner = TestRunner::new(batch_approval());
    runner
        .answer_callback("approve", json!("ok"))
        .answer_callback("review-all/map-item-1/approve", json!("vetoed"));
    let r = runner.run(&vec!["a", "b"]).await.unwrap();
    assert_eq!(r.output::<Vec<String>>().unwrap(), ["a: ok", "b: vetoed"]);
}

#[tokio::test]
async fn callbacks_inside_child_contexts_are_found_by_name() {
    let wf = workflow_fn("contract", |ctx: DurableContext, _: ()| async move {
        ctx.run_in_child_context("legal", |c: DurableContext| async move {
            c.wait_for_callback::<String, _, _, _>("sign-off", |_id: String, _| async {
                Ok::<_, DurableError>(())
            })
            .await
        })
        .await
    });
    let run = TestRunner::new(wf).start(&()).unwrap();
    let sign_off = run
        .wait_for_operation("sign-off", OperationState::Started)
        .await
        .unwrap();
    let legal = run.operation("legal").unwrap().unwrap();
    assert_eq!(sign_off.parent_id.as_deref(), Some(&*legal.id));
    run.answer_callback("sign-off", json!("signed")).await.unwrap();
    assert_eq!(run.result().await.unwrap().output::<String>().unwrap(), "signed");
}

#[tokio::test]
async fn callbacks_of_invoked_workflows_are_held_and_answered_by_the_test_too() {
    let wf = workflow_fn("hire", |ctx: DurableContext, who: String| async move {
        let cleared: String = ctx.invoke("screen", "background-check", who).await?;
        Ok(format!("hired after {cleared}"))
    });
    let runner = TestRunner::new(wf);
    runner.register_workflow(workflow_fn(
        "background-check",
        |ctx: DurableContext, who: String| async move {
            let verdict: String = ctx
                .wait_for_callback("agency", |_id: String, _| async { Ok::<_, DurableError>(()) })
                .timeout(Duration::from_secs(HOUR))
                .await?;
            Ok(format!("{who}: {verdict}"))
        },
    ));
    let run = runner.start("ida").unwrap();
    let agency = run
        .wait_for_operation("agency", OperationState::Started)
        .await
        .unwrap();
    assert_ne!(
        agency.execution_arn(),
        run.execution_arn(),
        "the invoked execution's callback"
    );
    run.answer_callback("agency", json!("clear")).await.unwrap();
    let r = run.result().await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "hired after ida: clear");
    assert_eq!(r.invoke_calls("screen")[0].target, InvokeTarget::Workflow);
}

#[tokio::test]
async fn misuse_is_a_typed_error_never_a_hang() {
    let run = TestRunner::new(onboarding()).start("fay").unwrap();
    run.wait_for_operation("verify-email", OperationState::Started)
        .await
        .unwrap();
    // A callback that does not exist.
    match run.answer_callback("no-such-callback", json!(1)).await {
        Err(TestRunError::NoOpenCallback { name, status: None }) => assert_eq!(name, "no-such-callback"),
        other => panic!("expected NoOpenCallback, got {other:?}"),
    }
    // A step is not a callback either.
    assert!(matches!(
        run.answer_callback("create-account", json!(1)).await,
        Err(TestRunError::NoOpenCallback { status: None, .. })
    ));
    // An unknown callback id: the callback API's own error.
    match run.send_callback("not-an-id", CallbackAnswer::Heartbeat).await {
        Err(TestRunError::Engine(EngineError::Callback(CallbackApiError::NotFound(id)))) => {
            assert_eq!(id, "not-an-id")
        }
        other => panic!("expected the callback API's NotFound, got {other:?}"),
    }
    // A callback already answered.
    run.answer_callback("verify-email", json!(true)).await.unwrap();
    match run.answer_callback("verify-email", json!(false)).await {
        Err(TestRunError::NoOpenCallback { status, .. }) => {
            assert_eq!(status, Some(OperationStatus::Succeeded))
        }
        other => panic!("expected NoOpenCallback, got {other:?}"),
    }
    // An operation that never appears, once the execution ended.
    let err = run
        .wait_for_operation("never-created", OperationState::Started)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            TestRunError::NotReached {
                why: Stalled::Finished(ExecutionStatus::Succeeded),
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "operation `never-created` was not started (0 of 1 found): the execution ended SUCCEEDED"
    );
    // Advancing a finished run changes nothing.
    run.advance(Duration::from_secs(HOUR)).await;
    assert_eq!(run.result().await.unwrap().status(), ExecutionStatus::Succeeded);
}

#[test]
fn start_needs_a_tokio_runtime() {
    let err = TestRunner::new(onboarding()).start("gus").unwrap_err();
    assert!(matches!(err, TestRunError::NoRuntime), "{err}");
}

#[tokio::test]
async fn a_dropped_run_stops() {
    let runner = TestRunner::new(onboarding());
    let run = runner.start("hal").unwrap();
    run.wait_for_operation("verify-email", OperationState::Started)
        .await
        .unwrap();
    drop(run);
    // The runner is still usable, and a run of it does not wait on the dropped one.
    runner.answer_callback("verify-email", json!(true));
    let r = runner.run("hal").await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Succeeded);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_run_works_on_a_multi_threaded_runtime() {
    for user in ["i1", "i2", "i3"] {
        let run = TestRunner::new(onboarding()).start(user).unwrap();
        run.wait_for_operation("verify-email", OperationState::Started)
            .await
            .unwrap();
        run.answer_callback("verify-email", json!(true)).await.unwrap();
        let r = run.result().await.unwrap();
        assert_eq!(
            r.output::<String>().unwrap(),
            format!("acct-{user} verified=true")
        );
    }
}

// ---------------------------------------------------------------------------------------
// Step mocks and attempts
// ---------------------------------------------------------------------------------------

fn charge_with_retries() -> impl Workflow<Input = (), Output = String> {
    workflow_fn("billing", |ctx: DurableContext, _: ()| async move {
        ctx.step("charge", |s: StepContext| async move {
            if s.attempt < 3 {
                Err(format!("attempt {} failed", s.attempt))
            } else {
                Ok(format!("charged on attempt {}", s.attempt))
            }
        })
        .retry(
            RetryPolicy::exponential()
                .max_attempts(5)
                .initial_delay(Duration::from_secs(1))
                .jitter(Jitter::None),
        )
        .await
    })
}

#[tokio::test]
async fn a_step_mocked_to_fail_n_times_then_succeed() {
    let runner = TestRunner::new(charge_with_retries());
    runner.mock_step_failing(
        "charge",
        2,
        ErrorObject::new("Unavailable", "503"),
        json!("mocked"),
    );
    let r = runner.run(&()).await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "mocked");
    let unavailable = AttemptResult::Failed(ErrorObject::new("Unavailable", "503"));
    let attempts: Vec<_> = r
        .step_attempts("charge")
        .into_iter()
        .map(|a| (a.attempt, a.mocked, a.result))
        .collect();
    assert_eq!(
        attempts,
        [
            (1, true, unavailable.clone()),
            (2, true, unavailable),
            (3, true, AttemptResult::Succeeded)
        ]
    );
    assert_eq!(r.body_runs("charge"), 0);
    assert_eq!(
        r.step_attempts("charge")[0].to_string(),
        "charge #1 mocked: failed (Unavailable: 503)"
    );
    // The retry delays (1 s, then 2 s) passed in virtual time.
    assert_eq!(
        r.operation("charge")
            .unwrap()
            .step_details
            .as_ref()
            .unwrap()
            .attempt,
        3
    );
    let gap = r.operation("charge").unwrap().end_timestamp.unwrap().0 - r.record().start.0;
    assert!(gap >= 3000, "{gap}");
}

#[tokio::test]
async fn real_body_runs_are_counted_with_their_attempts() {
    let r = TestRunner::new(charge_with_retries()).run(&()).await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "charged on attempt 3");
    let attempts = r.step_attempts("charge");
    assert_eq!(attempts.len(), 3);
    assert!(attempts.iter().all(|a| !a.mocked && a.path == "charge"));
    // A `String` error is recorded with type `String`.
    let failed = |n: u32| AttemptResult::Failed(ErrorObject::new("String", format!("attempt {n} failed")));
    let results: Vec<_> = attempts.iter().map(|a| (a.attempt, a.result.clone())).collect();
    assert_eq!(
        results,
        [(1, failed(1)), (2, failed(2)), (3, AttemptResult::Succeeded)]
    );
    assert_eq!(r.body_runs("charge"), 3);
}

#[tokio::test]
async fn a_body_re_run_after_a_crash_counts_twice_under_one_attempt() {
    let runs = Arc::new(AtomicU32::new(0));
    let counter = runs.clone();
    let wf = workflow_fn("crashy", move |ctx: DurableContext, _: ()| {
        let counter = counter.clone();
        async move {
            ctx.step("fragile", move |_| async move {
                if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("the process died");
                }
                Ok::<_, DurableError>("survived".to_owned())
            })
            .await
        }
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "survived");
    let attempts: Vec<_> = r
        .step_attempts("fragile")
        .into_iter()
        .map(|a| (a.attempt, a.mocked, a.result))
        .collect();
    assert_eq!(
        attempts,
        [
            (1, false, AttemptResult::Interrupted),
            (1, false, AttemptResult::Succeeded)
        ]
    );
    assert_eq!(r.body_runs("fragile"), 2);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

/// The same step name in every map item and in a child context.
fn fan_out() -> impl Workflow<Input = Vec<u32>, Output = (Vec<String>, String)> {
    workflow_fn("fan-out", |ctx: DurableContext, ids: Vec<u32>| async move {
        let results = ctx
            .map("charge-all", ids, |item: DurableContext, id: u32, _| async move {
                item.step("charge", move |_| async move {
                    Ok::<_, DurableError>(format!("real-{id}"))
                })
                .retry(
                    RetryPolicy::exponential()
                        .max_attempts(3)
                        .initial_delay(Duration::from_secs(1))
                        .jitter(Jitter::None),
                )
                .await
            })
            .await?;
        let audit: String = ctx
            .run_in_child_context("audit", |c: DurableContext| async move {
                c.step("charge", |_| async {
                    Ok::<_, DurableError>("real-audit".to_owned())
                })
                .await
            })
            .await?;
        Ok((results.into_results(), audit))
    })
}

#[tokio::test]
async fn step_mocks_match_by_name_in_child_contexts_and_map_items() {
    let runner = TestRunner::new(fan_out());
    runner.mock_step("charge", json!("mocked"));
    let r = runner.run(&vec![1, 2, 3]).await.unwrap();
    let (items, audit) = r.output::<(Vec<String>, String)>().unwrap();
    assert_eq!(items, ["mocked", "mocked", "mocked"]);
    assert_eq!(audit, "mocked");
    let paths: Vec<_> = r.step_attempts("charge").into_iter().map(|a| a.path).collect();
    assert_eq!(
        paths,
        [
            "charge-all/map-item-0/charge",
            "charge-all/map-item-1/charge",
            "charge-all/map-item-2/charge",
            "audit/charge"
        ]
    );
    assert_eq!(r.body_runs("charge"), 0);
    // A path addresses one of them.
    let one = r.step_attempts("charge-all/map-item-1/charge");
    assert_eq!(one.len(), 1);
    assert!(one[0].mocked);
    assert_eq!(r.operations_named("charge").len(), 4);
}

#[tokio::test]
async fn a_step_mock_by_path_addresses_one_map_item_or_child_context() {
    let runner = TestRunner::new(fan_out());
    runner
        .mock_step("charge", json!("by name"))
        // Wins over the mock by name, for that item only.
        .mock_step_failing(
            "charge-all/map-item-1/charge",
            2,
            ErrorObject::new("CardDeclined", "try later"),
            json!("by path"),
        )
        .mock_step("audit/charge", json!("audited"));
    let r = runner.run(&vec![1, 2, 3]).await.unwrap();
    let (items, audit) = r.output::<(Vec<String>, String)>().unwrap();
    assert_eq!(items, ["by name", "by path", "by name"]);
    assert_eq!(audit, "audited");
    let second: Vec<_> = r
        .step_attempts("charge-all/map-item-1/charge")
        .into_iter()
        .map(|a| (a.attempt, a.mocked, a.result))
        .collect();
    let declined = AttemptResult::Failed(ErrorObject::new("CardDeclined", "try later"));
    assert_eq!(
        second,
        [
            (1, true, declined.clone()),
            (2, true, declined),
            (3, true, AttemptResult::Succeeded)
        ]
    );
    assert_eq!(r.step_attempts("charge-all/map-item-0/charge").len(), 1);
    assert_eq!(r.body_runs("charge"), 0);
}

#[tokio::test]
async fn a_path_mock_leaves_the_other_items_real() {
    let runner = TestRunner::new(fan_out());
    runner.mock_step("charge-all/map-item-0/charge", json!("mocked"));
    let r = runner.run(&vec![4, 5]).await.unwrap();
    let (items, audit) = r.output::<(Vec<String>, String)>().unwrap();
    assert_eq!(items, ["mocked", "real-5"]);
    assert_eq!(audit, "real-audit");
    assert_eq!(r.body_runs("charge"), 2);
    assert_eq!(r.body_runs("charge-all/map-item-0/charge"), 0);
}

#[tokio::test]
async fn attempts_count_per_step_in_every_map_item() {
    let runner = TestRunner::new(fan_out());
    runner.mock_step_failing(
        "charge",
        1,
        ErrorObject::new("Flaky", "once"),
        json!("second time"),
    );
    let r = runner.run(&vec![1, 2]).await.unwrap();
    let (items, audit) = r.output::<(Vec<String>, String)>().unwrap();
    assert_eq!(items, ["second time", "second time"]);
    // The audit step (default retry policy) failed once too.
    assert_eq!(audit, "second time");
    for path in ["charge-all/map-item-0/charge", "charge-all/map-item-1/charge"] {
        let attempts: Vec<_> = r
            .step_attempts(path)
            .into_iter()
            .map(|a| (a.attempt, a.mocked, a.result))
            .collect();
        assert_eq!(
            attempts,
            [
                (1, true, AttemptResult::Failed(ErrorObject::new("Flaky", "once"))),
                (2, true, AttemptResult::Succeeded)
            ],
            "{path}"
        );
    }
}

#[tokio::test]
async fn real_and_mocked_bodies_side_by_side() {
    // Nothing mocked: one real run per item and one for the audit, each addressable.
    let r = TestRunner::new(fan_out()).run(&vec![7, 8]).await.unwrap();
    let (items, audit) = r.output::<(Vec<String>, String)>().unwrap();
    assert_eq!(items, ["real-7", "real-8"]);
    assert_eq!(audit, "real-audit");
    assert_eq!(r.body_runs("charge"), 3);
    assert_eq!(r.body_runs("audit/charge"), 1);
    assert!(r.step_attempts("charge").iter().all(|a| !a.mocked));
}
