//! Histories recorded by AWS's durable execution emulator (`dex-local-runner`, running our
//! Lambda binaries; `fixtures/emulator-histories`, saved by the emulator backend with
//! `DURABLE_CONFORMANCE_SAVE_HISTORIES=DIR`), replayed against the current code with
//! `durable_runtime::replay`: the same code replays them as recorded, and a deliberate
//! reorder of two operations is reported at the first one, with names and the source line.
//!
//! `example-onboarding.json` is the quickstart's `onboarding` example (steps, a durable wait,
//! a child context) run on the emulator; re-record it with
//! `cargo test -p durable-conformance --test emulator_histories -- --ignored` (installs and
//! starts the emulator, about a minute).

use durable_conformance::backend::{Backend, RunOutcome, RunSpec};
use durable_conformance::emulator::EmulatorBackend;
use durable_conformance::handlers::examples::ONBOARDING;
use durable_conformance::placeholders::PlaceholderContext;
use durable_runtime::prelude::*;
use durable_runtime::replay::{replay_history, replay_shared, HistoryDivergenceKind, RecordedHistory};
use std::path::Path;

fn recorded(id: &str) -> RecordedHistory {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/emulator-histories/{id}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    RecordedHistory::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test]
async fn the_current_handlers_replay_what_the_emulator_recorded() {
    let registry = durable_conformance::handlers::registry();
    for id in ["1-3", "2-3"] {
        let history = recorded(id);
        let handler = registry.handler(id).unwrap().clone();
        let report = replay_shared(handler, &history).await;
        assert!(report.is_ok(), "{id}: {report}");
        assert_eq!(report.replayed, report.recorded, "{id}: {report:?}");
        assert!(report.recorded >= 2, "{id}: {report:?}");
    }
}

#[tokio::test]
async fn a_reorder_of_two_steps_is_detected_against_the_emulators_history() {
    // Requirement 1-3's handler as a later build might write it: `step_two` first.
    let reordered = workflow_fn("1-3", |ctx: DurableContext, _: serde_json::Value| async move {
        let second: String = ctx
            .step("step_two", |_| async {
                Ok::<_, DurableError>("second".to_owned())
            })
            .await?;
        let first: String = ctx
            .step("step_one", |_| async {
                Ok::<_, DurableError>("first".to_owned())
            })
            .await?;
        Ok(format!("{first}_{second}"))
    });
    let report = replay_history(reordered, &recorded("1-3")).await;
    let d = report.divergence.as_ref().expect("the reorder is a divergence");
    assert_eq!(d.kind, HistoryDivergenceKind::Mismatch, "{report}");
    assert_eq!(d.position.as_deref(), Some("1"));
    assert_eq!(d.recorded, "STEP \"step_one\" (Step)", "{report}");
    assert_eq!(d.now, "STEP \"step_two\" (Step)", "{report}");
    assert!(
        d.location
            .as_deref()
            .is_some_and(|l| l.contains("emulator_histories.rs:")),
        "{report}"
    );
    println!("{report}");

    // Two waits swapped (requirement 2-3: `wait-1`, then `wait-2`).
    let swapped = workflow_fn("2-3", |ctx: DurableContext, _: serde_json::Value| async move {
        ctx.wait("wait-2", Duration::from_secs(2)).await?;
        ctx.wait("wait-1", Duration::from_secs(2)).await?;
        Ok(serde_json::Value::Null)
    });
    let report = replay_history(swapped, &recorded("2-3")).await;
    let d = report.divergence.as_ref().expect("the swap is a divergence");
    assert!(
        d.recorded.contains("\"wait-1\"") && d.now.contains("\"wait-2\""),
        "{report}"
    );
}

#[tokio::test]
async fn the_onboarding_example_replays_what_the_emulator_recorded() {
    let history = recorded(ONBOARDING);
    let report = replay_history(durable_examples::workflows::onboarding(), &history).await;
    assert!(report.is_ok(), "{report}");
    assert!(report.recorded >= 5, "{report:?}");
    assert_eq!(report.replayed, report.recorded, "{report:?}");
}

#[tokio::test]
async fn a_reordered_onboarding_is_caught_against_the_emulators_history() {
    // The next build of the example waits before creating the account.
    let reordered = workflow_fn("onboarding", |ctx: DurableContext, name: String| async move {
        ctx.wait("cool-off", Duration::from_secs(2)).await?;
        let account: String = ctx
            .step("create-account", move |_| async move {
                Ok::<_, DurableError>(format!("acct-{name}"))
            })
            .await?;
        Ok(account)
    });
    let report = replay_history(reordered, &recorded(ONBOARDING)).await;
    let d = report.divergence.as_ref().expect("the reorder is a divergence");
    assert_eq!(d.kind, HistoryDivergenceKind::Mismatch, "{report}");
    assert_eq!(d.position.as_deref(), Some("1"), "{report}");
    assert_eq!(d.recorded, "STEP \"create-account\" (Step)", "{report}");
    assert_eq!(d.now, "WAIT \"cool-off\" (Wait)", "{report}");
    println!("{report}");
}

/// Re-records `fixtures/emulator-histories/example-onboarding.json` on AWS's emulator.
#[test]
#[ignore = "starts AWS's emulator (real time); run by hand to re-record the fixture"]
fn record_the_onboarding_example_on_the_emulator() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/emulator-histories");
    std::env::set_var("DURABLE_CONFORMANCE_SAVE_HISTORIES", &dir);
    let spec = RunSpec {
        id: ONBOARDING.to_owned(),
        suite: "examples".to_owned(),
        input: Some(serde_json::json!("Ada")),
        callback_actions: Vec::new(),
        async_invoke: false,
        expects_result: true,
        placeholders: PlaceholderContext::new(),
    };
    match EmulatorBackend::new().run(&spec).unwrap() {
        RunOutcome::Observed(o) => assert_eq!(o.status, "SUCCEEDED", "{o:?}"),
        other => panic!("{other:?}"),
    }
}
