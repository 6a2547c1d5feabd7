//! Replaying recorded histories against the current code (`durable_runtime::replay`): a
//! history recorded by one build, replayed with the same code, is OK; replayed with code that
//! reorders, removes or adds operations, or ends differently, it reports the first divergence
//! with the operation, its position and the source location of the call.

use durable_runtime::prelude::*;
use durable_runtime::replay::{replay_history, HistoryDivergenceKind, HistoryError, RecordedHistory};
use durable_runtime::testing::{TestResult, TestRunner};
use durable_runtime::Branch;
use serde_json::json;

/// The order workflow as build 1 shipped it: steps, a wait, a child context, a map, a
/// parallel, and a callback. `variant` changes it as later builds might.
fn order(variant: &'static str) -> impl Workflow<Input = u32, Output = String> {
    workflow_fn("order", move |ctx: DurableContext, n: u32| async move {
        let reserve = move |_| async move { Ok::<_, DurableError>(n) };
        let charge = move |_| async move { Ok::<_, DurableError>(n * 10) };
        let (reserved, charged): (u32, u32) = if variant == "reordered" {
            let c = ctx.step("charge", charge).await?;
            (ctx.step("reserve", reserve).await?, c)
        } else {
            let r = ctx.step("reserve", reserve).await?;
            (r, ctx.step("charge", charge).await?)
        };
        ctx.wait("cool-off", Duration::from_secs(3600)).await?;
        let packed: u32 = ctx
            .run_in_child_context("pack", move |c: DurableContext| async move {
                let boxes: u32 = c
                    .step("boxes", move |_| async move { Ok::<_, DurableError>(n + 1) })
                    .await?;
                Ok(boxes)
            })
            .await?;
        let labels = ctx
            .map(
                "labels",
                vec![1u32, 2, 3],
                |c: DurableContext, item: u32, _| async move {
                    c.step("label", move |_| async move { Ok::<_, DurableError>(item * 2) })
                        .await
                },
            )
            .await?
            .into_results();
        let checks = ctx
            .parallel(
                "checks",
                vec![
                    Branch::named("fraud", |c: DurableContext| async move {
                        c.step("score", |_| async { Ok::<_, DurableError>(7u32) }).await
                    }),
                    Branch::named("address", |c: DurableContext| async move {
                        c.step("verify", |_| async { Ok::<_, DurableError>(1u32) }).await
                    }),
                ],
            )
            .await?
            .into_results();
        let approved: bool = ctx
            .wait_for_callback("approval", |_, _| async { Ok::<_, String>(()) })
            .await?;
        if variant == "extra-step" {
            ctx.step("audit", |_| async { Ok::<_, DurableError>(()) }).await?;
        }
        let total = if variant == "new-total" {
            charged + 1
        } else {
            charged
        };
        Ok(format!(
            "{reserved}/{total}/{packed}/{labels:?}/{checks:?}/{approved}"
        ))
    })
}

async fn recorded_run() -> TestResult {
    let runner = TestRunner::new(order("v1"));
    runner.answer_callback("approval", json!(true));
    let run = runner.run(&5).await.unwrap();
    assert_eq!(run.output::<String>().unwrap(), "5/50/6/[2, 4, 6]/[7, 1]/true");
    run
}

/// The history as `durable history --json` and the service's API write it: JSON text.
async fn recorded_json() -> String {
    serde_json::to_string_pretty(recorded_run().await.history()).unwrap()
}

#[tokio::test]
async fn the_same_code_replays_its_own_history() {
    let history = RecordedHistory::from_json(&recorded_json().await).unwrap();
    let report = replay_history(order("v1"), &history).await;
    assert!(report.is_ok(), "{report}");
    assert!(report.recorded >= 14, "{report:?}");
    assert_eq!(report.replayed, report.recorded, "{report:?}");
    assert!(report
        .to_string()
        .starts_with("replay of workflow `order` against the recorded history: OK"));

    // GetDurableExecutionHistory's response shape, and GetDurableExecutionState's operations.
    let events: serde_json::Value = serde_json::from_str(&recorded_json().await).unwrap();
    let response = json!({ "Events": events, "NextMarker": null }).to_string();
    assert!(
        replay_history(order("v1"), &RecordedHistory::from_json(&response).unwrap())
            .await
            .is_ok()
    );
    let ops: Vec<_> = recorded_run()
        .await
        .operations()
        .iter()
        .map(|o| (**o).clone())
        .collect();
    let state = json!({ "Operations": ops }).to_string();
    assert!(
        replay_history(order("v1"), &RecordedHistory::from_json(&state).unwrap())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_test_runner_replays_its_workflow_against_a_history() {
    let history = RecordedHistory::from_json(&recorded_json().await).unwrap();
    assert!(TestRunner::new(order("v1"))
        .replay_history(&history)
        .await
        .is_ok());
    let report = TestRunner::new(order("reordered")).replay_history(&history).await;
    assert_eq!(report.divergence.unwrap().kind, HistoryDivergenceKind::Mismatch);
}

#[tokio::test]
async fn a_reorder_of_two_steps_is_reported_at_the_first_step() {
    let history = RecordedHistory::from_json(&recorded_json().await).unwrap();
    let report = replay_history(order("reordered"), &history).await;
    let d = report.divergence.as_ref().expect("a divergence");
    assert_eq!(d.kind, HistoryDivergenceKind::Mismatch);
    assert_eq!(d.position.as_deref(), Some("1"));
    assert!(d.recorded.contains("\"reserve\""), "{report}");
    assert!(d.now.contains("\"charge\""), "{report}");
    let at = d.location.as_deref().unwrap_or_default();
    assert!(
        at.contains("history_replay.rs:"),
        "the user's call site, got {at:?}"
    );
    let text = report.to_string();
    assert!(
        text.contains("diverges from the recorded history at operation 1"),
        "{text}"
    );
    println!("{text}");
}

#[tokio::test]
async fn a_step_added_after_the_recorded_end_is_reported() {
    let history = RecordedHistory::from_json(&recorded_json().await).unwrap();
    let report = replay_history(order("extra-step"), &history).await;
    let d = report.divergence.as_ref().expect("a divergence");
    assert_eq!(d.kind, HistoryDivergenceKind::NewOperation, "{report}");
    assert!(d.now.contains("\"audit\""), "{report}");
    assert!(d.recorded.contains("succeeded"), "{report}");
}

#[tokio::test]
async fn another_result_is_reported() {
    let history = RecordedHistory::from_json(&recorded_json().await).unwrap();
    let report = replay_history(order("new-total"), &history).await;
    let d = report.divergence.as_ref().expect("a divergence");
    assert_eq!(d.kind, HistoryDivergenceKind::Outcome, "{report}");
    assert!(d.recorded.contains("5/50/6"), "{report}");
    assert!(d.now.contains("5/51/6"), "{report}");
}

#[tokio::test]
async fn a_removed_operation_is_reported() {
    // Build 1 had one more step at the end than build 2.
    let longer = workflow_fn("short", |ctx: DurableContext, _: ()| async move {
        ctx.step("a", |_| async { Ok::<_, DurableError>(1u32) }).await?;
        ctx.step("b", |_| async { Ok::<_, DurableError>(2u32) }).await?;
        Ok::<_, DurableError>(())
    });
    let run = TestRunner::new(longer).run(&()).await.unwrap();
    let history = RecordedHistory::from_events(run.history());
    let shorter = workflow_fn("short", |ctx: DurableContext, _: ()| async move {
        ctx.step("a", |_| async { Ok::<_, DurableError>(1u32) }).await?;
        Ok::<_, DurableError>(())
    });
    let report = replay_history(shorter, &history).await;
    let d = report.divergence.as_ref().expect("a divergence");
    assert_eq!(d.kind, HistoryDivergenceKind::NotCreated, "{report}");
    assert!(d.recorded.contains("\"b\""), "{report}");
}

#[tokio::test]
async fn an_execution_in_flight_replays_up_to_where_it_waits() {
    // Nobody answers the callback: the execution is still running when the history is taken.
    let run = TestRunner::new(order("v1")).run(&5).await.unwrap();
    assert_eq!(run.status(), durable_runtime::local::ExecutionStatus::Running);
    let history = RecordedHistory::from_events(run.history());
    let report = replay_history(order("v1"), &history).await;
    assert!(report.is_ok(), "{report}");
    // A build that adds a step after the callback is compatible with it: not reached yet.
    assert!(replay_history(order("extra-step"), &history).await.is_ok());
    // A reorder is not.
    assert!(!replay_history(order("reordered"), &history).await.is_ok());
}

#[tokio::test]
async fn a_recorded_result_of_another_type_is_a_clear_failure() {
    let v1 = workflow_fn("typed", |ctx: DurableContext, _: ()| async move {
        ctx.step("count", |_| async { Ok::<_, DurableError>(3u32) }).await
    });
    let history = RecordedHistory::from_events(TestRunner::new(v1).run(&()).await.unwrap().history());
    let v2 = workflow_fn("typed", |ctx: DurableContext, _: ()| async move {
        let s: String = ctx
            .step("count", |_| async { Ok::<_, DurableError>("3".to_owned()) })
            .await?;
        Ok::<_, DurableError>(s.len() as u32)
    });
    let report = replay_history(v2, &history).await;
    let d = report.divergence.as_ref().expect("a divergence");
    assert_eq!(d.kind, HistoryDivergenceKind::Failed, "{report}");
    assert!(d.now.contains("count"), "{report}");
}

#[test]
fn what_is_not_a_history_is_a_typed_error() {
    assert!(matches!(
        RecordedHistory::from_json("{"),
        Err(HistoryError::Json(_))
    ));
    assert!(matches!(
        RecordedHistory::from_json(r#"{"Foo": 1}"#),
        Err(HistoryError::Shape(s)) if s.contains("Foo")
    ));
    assert!(matches!(
        RecordedHistory::from_json("[]"),
        Err(HistoryError::NoExecution)
    ));
    assert!(matches!(
        RecordedHistory::from_json(r#"{"Events": 3}"#),
        Err(HistoryError::Shape(_))
    ));
}
