//! The harness fails wrong handlers on the real local backend: a handler that skips its step,
//! one that returns the wrong value, one that suspends where the requirement does not.

use durable_conformance::local::LocalBackend;
use durable_conformance::registry::Registry;
use durable_conformance::requirement::Requirement;
use durable_conformance::runner::{run_requirement, Status};
use durable_runtime::prelude::*;
use std::path::PathBuf;

fn requirement(suite: &str, id: &str) -> Requirement {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/requirements")
        .join(suite)
        .join(format!("{id}.yaml"));
    Requirement::load(&path).unwrap()
}

fn verdict(suite: &str, id: &str, registry: Registry) -> durable_conformance::runner::Verdict {
    run_requirement(&requirement(suite, id), &LocalBackend::new(registry))
}

#[test]
fn our_handlers_pass() {
    let v = verdict("step", "1-1", durable_conformance::handlers::registry());
    assert_eq!(v.status, Status::Passed, "{}", v.detail);
}

#[test]
fn a_handler_without_its_step_fails_on_the_history() {
    let mut r = Registry::new();
    r.register("1-1", |_ctx, input| async move {
        Ok(serde_json::json!(format!(
            "Hello, {}!",
            input.as_str().unwrap_or("")
        )))
    });
    let v = verdict("step", "1-1", r);
    assert_eq!(v.status, Status::Failed);
    assert!(v.detail.contains("EventId 2"), "{}", v.detail);
}

#[test]
fn a_wrong_result_fails_on_the_result() {
    let mut r = Registry::new();
    r.register("1-1", |ctx, _| async move {
        let v: String = ctx
            .step((), |_| async { Ok::<_, DurableError>("Goodbye".to_owned()) })
            .await?;
        Ok(serde_json::json!(v))
    });
    let v = verdict("step", "1-1", r);
    assert_eq!(v.status, Status::Failed);
    assert!(v.detail.contains("Result"), "{}", v.detail);
}

#[test]
fn an_extra_suspension_shifts_the_event_ids() {
    let mut r = Registry::new();
    r.register("3-1", |ctx, input| async move {
        ctx.wait("unexpected", Duration::from_secs(1)).await?;
        Ok(input)
    });
    let v = verdict("child", "3-1", r);
    assert_eq!(v.status, Status::Failed);
    assert!(v.detail.contains("EventType"), "{}", v.detail);
}

#[test]
fn a_missing_handler_is_not_implemented_never_passed() {
    let v = verdict("step", "1-1", Registry::new());
    assert_eq!(v.status, Status::NotImplemented);
}
