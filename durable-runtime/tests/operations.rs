//! The operations beyond step/wait/child, on the local engine: map and parallel, chained
//! invoke, wait-for-condition, combinators, with_retry, plugins — including bad input.

use durable_runtime::local::{ExecutionStatus, LocalEngine};
use durable_runtime::prelude::*;
use durable_runtime::testing::TestRunner;
use durable_runtime::wire::{ErrorObject, OperationStatus};
use durable_runtime::{
    Branch, CompletionConfig, CompletionReason, ItemStatus, Nesting, Plugin, PollingPolicy, Settled,
    WaitDecision,
};
use serde_json::{json, Value};
use std::future::IntoFuture;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn map_results_follow_item_order_and_suspended_items_keep_their_slot() {
    let wf = workflow_fn("map", |ctx: DurableContext, n: u32| async move {
        let out = ctx
            .map(
                "items",
                (0..n).collect(),
                move |c: DurableContext, item: u32, _| async move {
                    // Later items finish first: odd ones wait longer.
                    c.wait("pause", Duration::from_secs(u64::from(n - item))).await?;
                    c.step("double", move |_| async move { Ok::<_, DurableError>(item * 2) })
                        .await
                },
            )
            .max_concurrency(3)
            .await?;
        Ok(out.into_results())
    });
    let r = TestRunner::new(wf).run(&6u32).await.unwrap();
    assert_eq!(r.output::<Vec<u32>>().unwrap(), vec![0, 2, 4, 6, 8, 10]);
    // Items are started in index order: their contexts get ids 1-1 .. 1-6 in that order.
    let iterations: Vec<_> = r
        .operations()
        .iter()
        .filter(|o| o.sub_type.as_deref() == Some("MapIteration"))
        .map(|o| o.name.clone().unwrap())
        .collect();
    assert_eq!(iterations.len(), 6);
    assert_eq!(
        r.operation("map-item-0").unwrap().id,
        durable_runtime::id::wire_id("1-1")
    );
    assert_eq!(
        r.operation("map-item-5").unwrap().id,
        durable_runtime::id::wire_id("1-6")
    );
}

#[tokio::test]
async fn early_completion_reports_running_items_as_started() {
    let wf = workflow_fn("first", |ctx: DurableContext, _: ()| async move {
        let branches = vec![
            Branch::new(|c: DurableContext| async move {
                c.wait("slow", Duration::from_secs(100)).await?;
                Ok(0u32)
            }),
            Branch::new(|_c: DurableContext| async move { Ok(1u32) }),
            Branch::new(|_c: DurableContext| async move { Ok(2u32) }),
        ];
        let out = ctx
            .parallel("race", branches)
            .completion(CompletionConfig::first_successful())
            .await?;
        Ok(json!({
            "reason": out.completion_reason,
            "statuses": out.all.iter().map(|i| i.status).collect::<Vec<ItemStatus>>(),
            "results": out.results(),
        }))
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    let v: Value = r.output().unwrap();
    assert_eq!(v["reason"], json!(CompletionReason::MinSuccessfulReached));
    assert_eq!(v["statuses"], json!(["STARTED", "SUCCEEDED", "SUCCEEDED"]));
    assert_eq!(v["results"], json!([1, 2]));
    assert_eq!(
        r.invocations(),
        1,
        "the batch completed without waiting for the slow branch"
    );
}

#[tokio::test]
async fn zero_concurrency_and_bad_tolerances_are_validation_errors() {
    for config in ["zero", "percent"] {
        let wf = workflow_fn("bad", move |ctx: DurableContext, _: ()| async move {
            let items = vec![1u32, 2];
            let map = ctx.map((), items, |_c: DurableContext, i: u32, _| async move { Ok(i) });
            let map = if config == "zero" {
                map.max_concurrency(0)
            } else {
                map.completion(CompletionConfig::default().tolerated_failure_percentage(150.0))
            };
            Ok(map.await?.into_results())
        });
        let r = TestRunner::new(wf).run(&()).await.unwrap();
        assert_eq!(r.status(), ExecutionStatus::Failed, "{config}");
        assert_eq!(r.error().unwrap().type_name(), "ValidationError", "{config}");
        assert_eq!(
            r.history().len(),
            3,
            "nothing is checkpointed before validation ({config})"
        );
    }
}

#[tokio::test]
async fn flat_items_record_no_contexts_of_their_own() {
    let wf = workflow_fn("flat", |ctx: DurableContext, _: ()| async move {
        let out = ctx
            .map(
                "m",
                vec!["a", "b"],
                |c: DurableContext, s: &'static str, _| async move {
                    c.step("upper", move |_| async move {
                        Ok::<_, DurableError>(s.to_uppercase())
                    })
                    .await
                },
            )
            .nesting(Nesting::Flat)
            .await?;
        Ok(out.into_results())
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.output::<Vec<String>>().unwrap(), ["A", "B"]);
    let batch = r.operation("m").unwrap().id.clone();
    let steps: Vec<_> = r
        .operations()
        .iter()
        .filter(|o| o.name.as_deref() == Some("upper"))
        .collect();
    assert_eq!(steps.len(), 2);
    assert!(steps.iter().all(|s| s.parent_id.as_deref() == Some(&*batch)));
    assert!(r
        .operations()
        .iter()
        .all(|o| o.sub_type.as_deref() != Some("MapIteration")));
}

#[tokio::test]
async fn invoke_runs_registered_targets_and_fails_clearly_otherwise() {
    let engine = LocalEngine::in_memory();
    engine.register_workflow(workflow_fn("double", |ctx: DurableContext, n: u64| async move {
        ctx.wait("think", Duration::from_secs(30)).await?;
        Ok(n * 2)
    }));
    engine.register_function("shout", |v: Value| {
        Ok(Value::from(v.as_str().unwrap_or_default().to_uppercase()))
    });
    let caller = Arc::new(workflow_fn("caller", |ctx: DurableContext, _: ()| async move {
        let doubled: u64 = ctx.invoke("double-it", "double", 21u64).await?;
        let shouted: String = ctx.invoke("shout-it", "shout", "hi").await?;
        let missing: Result<Value, _> = ctx.invoke("nowhere", "no-such-function", ()).await;
        let missing = match missing {
            Err(DurableError::InvokeFailed { error, .. }) => error.type_name().to_owned(),
            other => format!("{other:?}"),
        };
        Ok(json!([doubled, shouted, missing]))
    }));
    let record = engine.run(&caller, None).await.unwrap();
    assert_eq!(record.status, ExecutionStatus::Succeeded, "{:?}", record.error);
    assert_eq!(
        record.result.as_deref(),
        Some(r#"[42,"HI","ResourceNotFoundException"]"#)
    );
    // The durable target ran as an execution of its own, with its own history.
    let arns = engine.store().list().unwrap();
    assert_eq!(arns.len(), 2);
    let target = engine.store().get(&arns[1]).unwrap();
    assert_eq!(target.workflow, "double");
    assert!(target.events.iter().any(|e| e.event_type == "WaitSucceeded"));
}

#[tokio::test]
async fn invoke_payloads_over_the_limit_fail_the_execution() {
    let wf = workflow_fn("big", |ctx: DurableContext, _: ()| async move {
        let v: Value = ctx.invoke((), "anything", "x".repeat(2 << 20)).await?;
        Ok(v)
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Failed);
    assert_eq!(r.error().unwrap().type_name(), "PayloadTooLargeError");
}

#[tokio::test]
async fn wait_for_condition_checkpoints_state_between_polls() {
    let checks = Arc::new(AtomicU32::new(0));
    let seen = checks.clone();
    let wf = workflow_fn("poll", move |ctx: DurableContext, _: ()| {
        let seen = seen.clone();
        async move {
            let policy = PollingPolicy::until_not(|s: &u32| *s < 3).fixed_delay(Duration::from_secs(10));
            let state = ctx
                .wait_for_condition("job", 0u32, policy, move |s: u32, _| {
                    seen.fetch_add(1, Ordering::SeqCst);
                    async move { Ok::<_, DurableError>(s + 1) }
                })
                .await?;
            let exhausted = ctx
                .wait_for_condition(
                    "never",
                    0u32,
                    |_: &u32, n: u32| {
                        if n < 2 {
                            WaitDecision::Continue(Duration::from_secs(1))
                        } else {
                            WaitDecision::Fail(ErrorObject::new("GaveUp", "no"))
                        }
                    },
                    |s: u32, _| async move { Ok::<_, DurableError>(s) },
                )
                .await;
            let gave_up = matches!(exhausted, Err(DurableError::WaitForConditionFailed { .. }));
            Ok((state, gave_up))
        }
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.output::<(u32, bool)>().unwrap(), (3, true));
    assert_eq!(
        checks.load(Ordering::SeqCst),
        3,
        "each poll runs its check exactly once"
    );
    let job = r.operation("job").unwrap();
    assert_eq!(job.status, OperationStatus::Succeeded);
    assert_eq!(job.step_details.as_ref().unwrap().attempt, 3);
}

#[tokio::test]
async fn combinators_replay_their_recorded_outcome() {
    let wf = workflow_fn("combinators", |ctx: DurableContext, _: ()| async move {
        let a = ctx.step("a", |_| async { Ok::<_, DurableError>(1u32) });
        let b = ctx.step("b", |_| async { Ok::<_, DurableError>(2u32) });
        let both: Vec<u32> = ctx.all("both", vec![a.into_future(), b.into_future()]).await?;
        let ok = ctx
            .step("ok", |_| async { Ok::<_, DurableError>(5u32) })
            .retry(RetryPresets::none());
        let bad = ctx
            .step("bad", |_| async {
                Err::<u32, _>(DurableError::failure("Boom", "bad"))
            })
            .retry(RetryPresets::none());
        let settled: Vec<Settled<u32>> = ctx
            .all_settled("settled", vec![ok.into_future(), bad.into_future()])
            .await?;
        let first = ctx.step("first", |_| async { Ok::<_, DurableError>(9u32) });
        let any: u32 = ctx.any("any", vec![first]).await?;
        ctx.wait("pause", Duration::from_secs(1)).await?;
        Ok(
            json!({"both": both, "settled": settled.len(), "rejected": matches!(settled[1], Settled::Rejected { .. }), "any": any}),
        )
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(
        r.output::<Value>().unwrap(),
        json!({"both": [1, 2], "settled": 2, "rejected": true, "any": 9})
    );
    assert_eq!(r.invocations(), 2);
}

#[tokio::test]
async fn with_retry_waits_durably_between_attempts() {
    let wf = workflow_fn("retry-block", |ctx: DurableContext, _: ()| async move {
        let policy = RetryPolicy::exponential()
            .max_attempts(4)
            .initial_delay(Duration::from_secs(5))
            .jitter(Jitter::None);
        let v: u32 = ctx
            .with_retry("sync", policy, |c: DurableContext, attempt: u32| async move {
                let seen: u32 = c
                    .step("read", move |_| async move { Ok::<_, DurableError>(attempt) })
                    .await?;
                if seen < 3 {
                    return Err(DurableError::failure("NotYet", format!("attempt {seen}")));
                }
                Ok(seen)
            })
            .await?;
        Ok(v)
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.output::<u32>().unwrap(), 3);
    for name in [
        "sync-attempt-1",
        "sync-backoff-1",
        "sync-attempt-2",
        "sync-backoff-2",
        "sync-attempt-3",
    ] {
        assert!(r.operation(name).is_some(), "missing {name}");
    }
    assert_eq!(
        r.operation("sync-attempt-1").unwrap().status,
        OperationStatus::Failed
    );
}

#[derive(Default)]
struct Counting {
    hooks: Mutex<Vec<String>>,
    panic: bool,
}

impl Plugin for Counting {
    fn on_invocation_start(&self, info: &durable_runtime::InvocationStart<'_>) {
        self.hooks
            .lock()
            .unwrap()
            .push(format!("start first={}", info.is_first_invocation));
        assert!(!self.panic, "plugin failure");
    }
    fn on_invocation_end(&self, info: &durable_runtime::InvocationEnd<'_>) {
        self.hooks.lock().unwrap().push(format!("end {:?}", info.status));
        assert!(!self.panic, "plugin failure");
    }
    fn on_attempt_end(
        &self,
        op: &durable_runtime::OperationInfo<'_>,
        attempt: u32,
        _: &durable_runtime::AttemptOutcome<'_>,
    ) {
        self.hooks
            .lock()
            .unwrap()
            .push(format!("attempt {} {attempt}", op.name.unwrap_or("")));
        assert!(!self.panic, "plugin failure");
    }
}

#[tokio::test]
async fn plugins_observe_and_a_panicking_plugin_changes_nothing() {
    let wf = || {
        workflow_fn("observed", |ctx: DurableContext, _: ()| async move {
            let v: u32 = ctx.step("s", |_| async { Ok::<_, DurableError>(1u32) }).await?;
            ctx.wait("w", Duration::from_secs(1)).await?;
            Ok(v)
        })
    };
    let quiet = Arc::new(Counting::default());
    let loud = Arc::new(Counting {
        panic: true,
        ..Counting::default()
    });
    let plain = TestRunner::new(wf()).run(&()).await.unwrap();
    let observed = TestRunner::new(wf())
        .plugin(quiet.clone())
        .plugin(loud.clone())
        .run(&())
        .await
        .unwrap();
    assert_eq!(observed.output::<u32>().unwrap(), 1);
    let types = |r: &durable_runtime::testing::TestResult| {
        r.history()
            .iter()
            .map(|e| e.event_type.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(types(&plain), types(&observed));
    assert_eq!(
        *quiet.hooks.lock().unwrap(),
        [
            "start first=true",
            "attempt s 1",
            "end Pending",
            "start first=false",
            "end Succeeded"
        ]
    );
    assert_eq!(
        *loud.hooks.lock().unwrap(),
        *quiet.hooks.lock().unwrap(),
        "every plugin gets every hook"
    );
}

#[tokio::test]
async fn callback_timeouts_must_be_positive() {
    let wf = workflow_fn("cb", |ctx: DurableContext, _: ()| async move {
        let cb = ctx.create_callback::<u32>("x").timeout(Duration::ZERO).await?;
        cb.result().await
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Failed);
    assert_eq!(r.error().unwrap().type_name(), "ValidationError");
}

/// Another function's result of the wrong shape is an error the workflow can handle, naming
/// the invoke; its own values' serialization failures stay fatal.
#[tokio::test]
async fn an_invoke_result_of_the_wrong_shape_is_a_handled_error() {
    let engine = durable_runtime::local::LocalEngine::in_memory();
    engine.register_function("pricing", |_| Ok(serde_json::json!({ "price": "twelve" })));
    let wf = Arc::new(workflow_fn("quote", |ctx: DurableContext, _: ()| async move {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Price {
            #[allow(dead_code)]
            price: u32,
        }
        let price: Result<Price, DurableError> = ctx.invoke("get-price", "pricing", ()).await;
        match price {
            Err(e @ DurableError::InvalidPayload { .. }) => Ok(format!("fallback: {e}")),
            Err(e) => Err(e),
            Ok(_) => Ok("priced".to_owned()),
        }
    }));
    let record = engine.run(&wf, None).await.unwrap();
    let result: String = serde_json::from_str(record.result.as_deref().unwrap()).unwrap();
    assert!(
        result.starts_with("fallback: invoke `get-price` (1): the answer does not decode"),
        "{result}"
    );
    assert!(
        result.contains("invalid type: string \"twelve\", expected u32"),
        "{result}"
    );
}
