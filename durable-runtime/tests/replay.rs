//! End-to-end replay through the local engine: checkpoint sequences, suspension, retries,
//! child contexts, non-determinism.

use durable_runtime::local::ExecutionStatus;
use durable_runtime::prelude::*;
use durable_runtime::testing::TestRunner;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

fn event_types(r: &durable_runtime::testing::TestResult) -> Vec<String> {
    r.history().iter().map(|e| e.event_type.to_string()).collect()
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
                    child
                        .step("inner", |_| async { Ok::<_, DurableError>("in".to_string()) })
                        .await
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
    let ids: Vec<_> = r.operations().iter().skip(1).map(|o| &*o.id).collect();
    assert_eq!(
        ids,
        [
            "c4ca4238a0b92382",
            "c81e728d9d4c2f63",
            "eccbc87e4b5ce2fe",
            "c9e6e7b69f98f516"
        ]
    );
    assert_eq!(r.invocations(), 2);
}

/// Polls every future to completion concurrently (a dependency-free `join_all`).
async fn join_all<T>(futures: Vec<durable_runtime::BoxFuture<'static, T>>) -> Vec<T> {
    let mut futures: Vec<_> = futures.into_iter().map(Some).collect();
    let mut out: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, fut) in out.iter_mut().zip(futures.iter_mut()) {
            if let Some(f) = fut {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        *slot = Some(v);
                        *fut = None;
                    }
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

#[tokio::test]
async fn retries_record_attempts_and_delays() {
    let wf = workflow_fn("retry", |ctx: DurableContext, _: ()| async move {
        let v: u32 = ctx
            .step("flaky", |s| async move {
                if s.attempt < 3 {
                    Err(DurableError::failure("Flaky", format!("attempt {}", s.attempt)))
                } else {
                    Ok(s.attempt)
                }
            })
            .retry(
                RetryPolicy::exponential()
                    .max_attempts(5)
                    .initial_delay(Duration::from_secs(2))
                    .backoff_rate(3.0)
                    .jitter(Jitter::None),
            )
            .await?;
        Ok(v)
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.output::<u32>().unwrap(), 3);
    assert_eq!(r.invocations(), 3);
    let failed: Vec<_> = r
        .history()
        .iter()
        .filter(|e| e.event_type == "StepFailed")
        .collect();
    let details: Vec<_> = failed
        .iter()
        .map(|e| serde_json::to_value(e).unwrap()["StepFailedDetails"]["RetryDetails"].clone())
        .collect();
    assert_eq!(
        details,
        [
            serde_json::json!({"CurrentAttempt": 1, "NextAttemptDelaySeconds": 2}),
            serde_json::json!({"CurrentAttempt": 2, "NextAttemptDelaySeconds": 6}),
        ]
    );
    let succeeded = r
        .history()
        .iter()
        .find(|e| e.event_type == "StepSucceeded")
        .unwrap();
    assert_eq!(
        serde_json::to_value(succeeded).unwrap()["StepSucceededDetails"]["RetryDetails"]["CurrentAttempt"],
        3
    );
}

#[tokio::test]
async fn changed_code_is_a_non_determinism_error() {
    use durable_runtime::local::LocalEngine;
    let v1 = Arc::new(workflow_fn("wf", |ctx: DurableContext, _: ()| async move {
        let _: u32 = ctx.step("charge", |_| async { Ok::<_, DurableError>(1) }).await?;
        ctx.wait("pause", Duration::from_secs(10)).await?;
        Ok(())
    }));
    let v2 = Arc::new(workflow_fn("wf", |ctx: DurableContext, _: ()| async move {
        // A deploy renamed the first step: replay must refuse to reuse "charge"'s result.
        let _: u32 = ctx.step("refund", |_| async { Ok::<_, DurableError>(2) }).await?;
        ctx.wait("pause", Duration::from_secs(10)).await?;
        Ok(())
    }));
    let engine = LocalEngine::in_memory();
    let arn = engine.start_execution("wf", None).unwrap();
    engine.invoke(&v1, &arn).await.unwrap();
    let record = engine.run_to_completion(&v2, &arn).await.unwrap();
    assert_eq!(record.status, ExecutionStatus::Failed);
    let error = record.error.unwrap();
    assert_eq!(error.type_name(), "NonDeterministicExecutionError");
    assert!(error.message().contains("operation 1"), "{}", error.message());
    assert!(
        error.message().contains("\"refund\"") && error.message().contains("\"charge\""),
        "{}",
        error.message()
    );
}

#[tokio::test]
async fn at_most_once_step_is_not_rerun_after_a_crash() {
    let runs = Arc::new(AtomicU32::new(0));
    let counter = runs.clone();
    let wf = workflow_fn("amo", move |ctx: DurableContext, _: ()| {
        let counter = counter.clone();
        async move {
            let r: Result<u32, DurableError> = ctx
                .step("charge-card", move |_| async move {
                    if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                        panic!("simulated crash while charging");
                    }
                    Ok::<_, DurableError>(7)
                })
                .semantics(StepSemantics::AtMostOncePerRetry)
                .retry(RetryPresets::none())
                .await;
            match r {
                Err(DurableError::StepFailed { error, .. }) => Ok(error.type_name().to_owned()),
                other => Ok(format!("unexpected {other:?}")),
            }
        }
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "StepInterruptedError");
    assert_eq!(runs.load(Ordering::SeqCst), 1, "an at-most-once body ran twice");
    let crash = r
        .history()
        .iter()
        .find(|e| e.event_type == "InvocationCompleted")
        .unwrap();
    let crash = serde_json::to_value(crash).unwrap();
    assert_eq!(
        crash["InvocationCompletedDetails"]["Error"]["Payload"]["ErrorType"],
        "Runtime.ExitError"
    );
}

#[tokio::test]
async fn large_child_results_replay_their_children() {
    let runs = Arc::new(AtomicU32::new(0));
    let counter = runs.clone();
    let wf = workflow_fn("big", move |ctx: DurableContext, _: ()| {
        let counter = counter.clone();
        async move {
            let big: String = ctx
                .run_in_child_context("build", move |child: DurableContext| async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let unit: String = child
                        .step("unit", |_| async { Ok::<_, DurableError>("ab".to_owned()) })
                        .await?;
                    Ok(unit.repeat(200 * 1024))
                })
                .await?;
            ctx.wait("pause", Duration::from_secs(1)).await?;
            Ok(big.len())
        }
    });
    // Counts how often the engine replays the body: the replay check would add its own runs.
    let r = TestRunner::new(wf).replay_check(false).run(&()).await.unwrap();
    assert_eq!(r.output::<usize>().unwrap(), 400 * 1024);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        2,
        "the body re-runs once to rebuild the value"
    );
    let ctx_op = r.operation("build").unwrap();
    let details = ctx_op.context_details.as_ref().unwrap();
    assert_eq!(details.replay_children, Some(true));
    assert_eq!(details.result.as_deref(), Some(""));
}

#[tokio::test]
async fn concurrent_steps_are_batched_within_service_limits() {
    let wf = workflow_fn("fan-out", |ctx: DurableContext, n: u32| async move {
        let futures: Vec<durable_runtime::BoxFuture<'static, Result<u32, DurableError>>> = (0..n)
            .map(|i| {
                let step = ctx.step(format!("item-{i}"), move |_| async move {
                    Ok::<_, DurableError>(i * 2)
                });
                Box::pin(std::future::IntoFuture::into_future(step)) as _
            })
            .collect();
        let mut total = 0;
        for r in join_all(futures).await {
            total += r?;
        }
        Ok(total)
    });
    // 600 steps × (START + SUCCEED) leaves the pump with more than 250 updates at once.
    let r = TestRunner::new(wf).run(&600u32).await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Succeeded, "{:?}", r.error());
    assert_eq!(r.output::<u32>().unwrap(), (0..600).map(|i| i * 2).sum::<u32>());
    // Ids follow creation order, whatever order the steps finished in.
    assert_eq!(r.operation("item-0").unwrap().id, "c4ca4238a0b92382");
}

#[tokio::test]
async fn paginated_state_replays_the_same() {
    let wf = workflow_fn("paged", |ctx: DurableContext, n: u32| async move {
        let mut sum = 0;
        for i in 0..n {
            sum += ctx
                .step(format!("s{i}"), move |_| async move { Ok::<_, DurableError>(i) })
                .await?;
            ctx.wait(format!("w{i}"), Duration::from_secs(1)).await?;
        }
        Ok(sum)
    });
    let r = TestRunner::new(wf).page_size(1).run(&5u32).await.unwrap();
    assert_eq!(r.output::<u32>().unwrap(), 10);
    assert_eq!(r.invocations(), 6);
}

#[tokio::test]
async fn oversized_results_take_the_service_paths() {
    let wf = workflow_fn("sizes", |ctx: DurableContext, _: ()| async move {
        let too_big: Result<String, DurableError> = ctx
            .step("huge-step", |_| async {
                Ok::<_, DurableError>("x".repeat(2 * 1024 * 1024))
            })
            .await;
        let error = match too_big {
            Err(DurableError::StepFailed { error, .. }) => error.type_name().to_owned(),
            other => format!("{other:?}"),
        };
        // A result between the response limit (6 MiB − 50 B) and the EXECUTION payload limit
        // (6 MiB) goes through an EXECUTION checkpoint.
        let pad = 6 * 1024 * 1024 - 30 - error.len() - 3;
        Ok(format!("{error}:{}", "y".repeat(pad)))
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Succeeded, "{:?}", r.error());
    let out = r.output::<String>().unwrap();
    assert!(out.starts_with("PayloadTooLargeError:"), "{}", &out[..40]);
    assert_eq!(r.result_json().unwrap().len(), 6 * 1024 * 1024 - 30);

    let too_big = workflow_fn("too-big", |_ctx: DurableContext, _: ()| async move {
        Ok("z".repeat(7 << 20))
    });
    let r = TestRunner::new(too_big).run(&()).await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Failed);
    assert_eq!(r.error().unwrap().type_name(), "PayloadTooLargeError");
}

#[tokio::test]
async fn invalid_waits_fail_the_execution() {
    let wf = workflow_fn("bad-wait", |ctx: DurableContext, _: ()| async move {
        ctx.wait("zero", Duration::ZERO).await?;
        Ok(())
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Failed);
    assert_eq!(r.error().unwrap().type_name(), "ValidationError");
}

#[tokio::test]
async fn deterministic_helpers_and_logs_are_stable_across_replays() {
    let wf = workflow_fn("det", |ctx: DurableContext, _: ()| async move {
        let id = ctx.uuid().await?;
        let n = ctx.random_u64().await?;
        let t = ctx.now().await?;
        ctx.logger().info(format!("before wait {id}"));
        ctx.wait("pause", Duration::from_secs(5)).await?;
        // After the replay these are the recorded values, not fresh ones.
        let id2 = ctx.uuid().await?;
        Ok((
            id,
            n,
            t.duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64,
            id2,
        ))
    });
    let runner = TestRunner::new(wf);
    let r = runner.run(&()).await.unwrap();
    let (id, _n, t, id2): (String, u64, u64, String) = r.output().unwrap();
    assert_eq!(id.len(), 36);
    assert_ne!(id, id2);
    assert!(t > 0);
    let ops = r.operations();
    assert_eq!(ops[1].result(), Some(format!("{id:?}").as_str()));
    let logs: Vec<_> = r
        .logs()
        .iter()
        .filter(|l| l.message.starts_with("before wait"))
        .collect();
    assert_eq!(logs.len(), 1, "orchestration logs must not repeat on replay");
}

#[tokio::test]
async fn step_mocks_replace_bodies_by_name() {
    let wf = workflow_fn("mocked", |ctx: DurableContext, _: ()| async move {
        let v: u32 = ctx
            .step("external-api", |_| async {
                Err::<u32, _>(DurableError::failure("Unreachable", "network"))
            })
            .retry(RetryPolicy::exponential().max_attempts(3).jitter(Jitter::None))
            .await?;
        Ok(v)
    });
    let runner = TestRunner::new(wf);
    runner.mock_step_outcomes(
        "external-api",
        vec![
            durable_runtime::MockOutcome::Fail(durable_runtime::wire::ErrorObject::new("Timeout", "slow")),
            durable_runtime::MockOutcome::Succeed(serde_json::json!(42)),
        ],
    );
    let r = runner.run(&()).await.unwrap();
    assert_eq!(r.output::<u32>().unwrap(), 42);
    assert_eq!(r.invocations(), 2);
}
