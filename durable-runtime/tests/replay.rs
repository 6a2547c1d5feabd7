//! End-to-end replay through the local engine: checkpoint sequences, suspension, retries,
//! child contexts, non-determinism.

use durable_runtime::local::ExecutionStatus;
use durable_runtime::prelude::*;
use durable_runtime::testing::TestRunner;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

fn event_types(r: &durable_runtime::testing::TestResult) -> Vec<String> {
    r.history().iter().map(|e| e.event_type.clone()).collect()
}

#[tokio::test]
async fn step_wait_child_sequence() {
    let runs = Arc::new(AtomicU32::new(0));
    let counter = runs.clone();
    let wf = workflow_fn("demo", move |ctx: DurableContext, name: String| {
        let counter = counter.clone();
        async move {
            let greeting: String = ctx
                .step("greet", move |_| async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    Ok::<_, DurableError>(format!("Hello, {name}!"))
                })
                .await?;
            ctx.wait("pause", Duration::from_secs(2)).await?;
            let inner: String = ctx
                .run_in_child_context("child", |child: DurableContext| async move {
                    child.step("inner", |_| async { Ok::<_, DurableError>("in".to_string()) }).await
                })
                .await?;
            Ok(format!("{greeting} {inner}"))
        }
    });
    let r = TestRunner::new(wf).run("World").await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Succeeded, "{:?}", r.error());
    assert_eq!(r.output::<String>().unwrap(), "Hello, World! in");
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the step ran again on replay");
    assert_eq!(
        event_types(&r),
        [
            "ExecutionStarted",
            "StepStarted",
            "StepSucceeded",
            "WaitStarted",
            "InvocationCompleted",
            "WaitSucceeded",
            "ContextStarted",
            "StepStarted",
            "StepSucceeded",
            "ContextSucceeded",
            "InvocationCompleted",
            "ExecutionSucceeded"
        ]
    );
    let ids: Vec<_> = r.operations().iter().skip(1).map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["c4ca4238a0b92382", "c81e728d9d4c2f63", "eccbc87e4b5ce2fe", "c9e6e7b69f98f516"]);
    assert_eq!(r.invocations(), 2);
}
