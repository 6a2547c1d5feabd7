//! `durable replay --from-aws ARN` and `DurableClient::recorded_history` against AWS's
//! emulator: executions run as Lambda functions on `dex-local-runner`, and while it still
//! serves them their histories are read twice, as raw `GetDurableExecutionHistory` JSON and
//! through the real aws-sdk-lambda client (paged, converted from the SDK's types). Both must
//! give the same operations and outcome, and the CLI must replay the SDK's copy: OK against
//! the build that ran it, a divergence (exit 6) against a reordered build.
//!
//! Starts the emulator (real time, about a minute once the Lambda binaries are built), so it
//! is ignored by `cargo test`; `.ci/run` runs it after the differential stage has installed
//! the emulator: `cargo test --workspace --locked --test from_aws -- --ignored`.

use durable_conformance::backend::{Backend, RunOutcome, RunSpec};
use durable_conformance::emulator::{EmulatorBackend, FinishedRun};
use durable_conformance::handlers::examples::ONBOARDING;
use durable_conformance::placeholders::PlaceholderContext;
use durable_runtime::lambda::DurableClient;
use durable_runtime::prelude::*;
use durable_runtime::replay::{replay_shared, RecordedHistory};
use serde_json::{json, Value};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The onboarding example with its first two operations swapped: a build that must not ship
/// while executions of the old one are in flight.
fn reordered_onboarding() -> impl Workflow<Input = String, Output = String> {
    workflow_fn("onboarding", |ctx: DurableContext, name: String| async move {
        ctx.wait("cool-off", Duration::from_secs(2)).await?;
        let account: String = ctx
            .step("create-account", move |_| async move {
                Ok::<_, DurableError>(format!("acct-{name}"))
            })
            .await?;
        Ok(account)
    })
}

fn spec(id: &str, input: Value) -> RunSpec {
    RunSpec {
        id: id.to_owned(),
        suite: "from-aws".to_owned(),
        input: Some(input),
        callback_actions: Vec::new(),
        async_invoke: false,
        expects_result: true,
        placeholders: PlaceholderContext::new(),
    }
}

fn cli(args: &[&str], register: impl FnOnce(&durable_runtime::local::LocalEngine)) -> ExitCode {
    let mut argv = vec!["durable"];
    argv.extend_from_slice(args);
    durable_runtime::cli::main_from(argv, register)
}

/// What the hook checks on every finished execution.
fn same_history_through_the_sdk(run: &FinishedRun<'_>) -> Result<(), String> {
    // The CLI and `DurableClient::from_env` read the standard AWS configuration.
    std::env::set_var("AWS_ENDPOINT_URL_LAMBDA", &run.endpoint);
    std::env::set_var("AWS_REGION", "us-west-2");
    std::env::set_var("AWS_ACCESS_KEY_ID", "x");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "x");
    let raw = RecordedHistory::from_json(&Value::Array(run.history.to_vec()).to_string())
        .map_err(|e| format!("{}: the raw history does not parse: {e}", run.id))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let via_sdk = rt
        .block_on(async {
            DurableClient::from_env()
                .await
                .recorded_history(run.execution_arn)
                .await
        })
        .map_err(|e| format!("{}: aws-sdk-lambda could not read the history: {e}", run.id))?;
    let ops = |h: &RecordedHistory| -> Vec<Value> {
        h.operations
            .iter()
            .map(|o| serde_json::to_value(o).unwrap_or_default())
            .collect()
    };
    let (sdk_ops, raw_ops) = (ops(&via_sdk), ops(&raw));
    if let Some((a, b)) = sdk_ops.iter().zip(&raw_ops).find(|(a, b)| a != b) {
        return Err(format!(
            "{}: an operation differs\n  via aws-sdk-lambda: {a}\n  raw: {b}",
            run.id
        ));
    }
    if sdk_ops.len() != raw_ops.len() {
        return Err(format!(
            "{}: {} operations via aws-sdk-lambda, {} raw",
            run.id,
            sdk_ops.len(),
            raw_ops.len()
        ));
    }
    if format!("{:?}", via_sdk.outcome) != format!("{:?}", raw.outcome) {
        return Err(format!(
            "{}: the outcomes differ: {:?} vs {:?}",
            run.id, via_sdk.outcome, raw.outcome
        ));
    }
    // The handler that ran replays what the SDK read.
    let registry = durable_conformance::handlers::registry();
    if let Some(handler) = registry.handler(run.id) {
        let report = rt.block_on(replay_shared(handler.clone(), &via_sdk));
        if !report.is_ok() || report.replayed != report.recorded {
            return Err(format!("{}: {report}", run.id));
        }
    }
    if run.id == ONBOARDING {
        // The CLI, as a user runs it before a deploy.
        let ok = cli(&["replay", "--from-aws", run.execution_arn], |e| {
            e.register_workflow(durable_examples::workflows::onboarding());
        });
        if ok != ExitCode::from(0) {
            return Err(format!(
                "durable replay --from-aws: {ok:?} against the build that ran it"
            ));
        }
        let diverged = cli(&["replay", "--from-aws", run.execution_arn], |e| {
            e.register_workflow(reordered_onboarding());
        });
        if diverged != ExitCode::from(6) {
            return Err(format!(
                "durable replay --from-aws: {diverged:?} against a reordered build, not 6"
            ));
        }
    }
    Ok(())
}

#[test]
#[ignore = "starts AWS's emulator (real time); .ci/run runs it after the differential stage"]
fn aws_sdk_lambda_reads_the_emulators_histories_and_the_cli_replays_them() {
    let checked = Arc::new(AtomicUsize::new(0));
    let seen = checked.clone();
    // One hook at a time: it sets the process's AWS environment.
    let serial = Mutex::new(());
    let backend = EmulatorBackend::new().on_finished(move |run| {
        let _one = serial.lock().unwrap_or_else(|p| p.into_inner());
        same_history_through_the_sdk(run)?;
        seen.fetch_add(1, Ordering::SeqCst);
        Ok(())
    });
    let runs = [
        spec(ONBOARDING, json!("Ada")),
        spec("9-1", json!(["World"])),
        spec("8-1", Value::Null),
        spec("1-11", Value::Null),
    ];
    for run in &runs {
        match backend.run(run) {
            Ok(RunOutcome::Observed(_)) => {}
            other => panic!("{}: {other:?}", run.id),
        }
    }
    assert_eq!(checked.load(Ordering::SeqCst), runs.len());
}
