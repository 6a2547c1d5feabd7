//! Suite `parallel` (8-x): parallel branches, completion configs, concurrency, FLAT nesting.

use super::json;
use crate::registry::Registry;
use durable_runtime::prelude::*;
use durable_runtime::{BatchResult, Branch, CompletionConfig, Nesting};
use serde_json::{json, Value};

/// A branch running one step that returns `value`.
fn step_branch(value: &'static str) -> Branch<Value> {
    Branch::new(move |c: DurableContext| async move {
        c.step(
            (),
            move |_| async move { Ok::<_, DurableError>(Value::from(value)) },
        )
        .await
    })
}

/// A branch returning `value` directly.
fn value_branch(value: Value) -> Branch<Value> {
    Branch::new(move |_c: DurableContext| async move { Ok(value) })
}

/// A branch that fails.
fn failing_branch(i: usize) -> Branch<Value> {
    Branch::new(move |_c: DurableContext| async move {
        Err(DurableError::failure("BranchError", format!("branch {i} failed")))
    })
}

/// The projection without `status`, as some requirements ask.
fn counts(r: &BatchResult<Value>) -> Value {
    json!({
        "completionReason": r.completion_reason,
        "successCount": r.success_count(),
        "failureCount": r.failure_count(),
        "totalCount": r.total_count(),
    })
}

fn projection(r: &BatchResult<Value>) -> Value {
    json!({
        "completionReason": r.completion_reason,
        "status": r.status(),
        "successCount": r.success_count(),
        "failureCount": r.failure_count(),
        "totalCount": r.total_count(),
    })
}

pub(super) fn register(r: &mut Registry) {
    r.register("8-1", |ctx, _| async move {
        let out = ctx
            .parallel("parallel", vec![step_branch("task-1"), step_branch("task-2")])
            .max_concurrency(1)
            .await?;
        json(out.into_results())
    });
    r.register("8-2", |ctx, _| async move {
        let out = ctx
            .parallel(
                (),
                vec![value_branch("alpha".into()), value_branch("beta".into())],
            )
            .max_concurrency(1)
            .await?;
        json(out.into_results())
    });
    r.register("8-4", |ctx, _| async move {
        let branches = vec![
            value_branch("hello".into()),
            value_branch(42.into()),
            value_branch(json!({"k": "v"})),
        ];
        json(
            ctx.parallel((), branches)
                .max_concurrency(1)
                .await?
                .into_results(),
        )
    });
    r.register("8-5", |ctx, _| async move {
        json(ctx.parallel::<Value>((), vec![]).await?.into_results())
    });
    r.register("8-7", |ctx, _| async move {
        let out = ctx
            .parallel((), vec![failing_branch(0), value_branch("never".into())])
            .max_concurrency(1)
            .completion(CompletionConfig::fail_fast())
            .await?;
        out.throw_if_error()?;
        json(out.into_results())
    });
    r.register("8-8", |ctx, _| async move {
        let branches = (0..4).map(|i| value_branch(format!("b{i}").into())).collect();
        let out = ctx.parallel((), branches).max_concurrency(1).completion(CompletionConfig::default().min_successful(2)).await?;
        json(json!({"completionReason": out.completion_reason, "successCount": out.success_count(), "totalCount": out.total_count()}))
    });
    r.register("8-10", |ctx, _| async move {
        let branches = (0..3).map(failing_branch).collect();
        let out = ctx
            .parallel((), branches)
            .max_concurrency(1)
            .completion(CompletionConfig::default().tolerated_failures(1))
            .await?;
        Ok(counts(&out))
    });
    r.register("8-11", |ctx, _| async move {
        let branches = (0..3).map(|i| value_branch(format!("r{i}").into())).collect();
        json(
            ctx.parallel((), branches)
                .max_concurrency(2)
                .await?
                .into_results(),
        )
    });
    r.register("8-12", |ctx, _| async move {
        let out = ctx
            .parallel((), vec![step_branch("fa"), step_branch("fb")])
            .max_concurrency(1)
            .nesting(Nesting::Flat)
            .await?;
        json(out.into_results())
    });
    r.register("8-13", |ctx, _| async move {
        let branches = (0..4).map(failing_branch).collect();
        let out = ctx
            .parallel((), branches)
            .max_concurrency(1)
            .completion(CompletionConfig::default().tolerated_failure_percentage(25.0))
            .await?;
        Ok(counts(&out))
    });
    r.register("8-14", |ctx, _| async move {
        let waiting = Branch::new(|c: DurableContext| async move {
            c.wait((), Duration::from_secs(2)).await?;
            Ok(Value::from("b1"))
        });
        json(
            ctx.parallel((), vec![step_branch("b0"), waiting])
                .max_concurrency(1)
                .await?
                .into_results(),
        )
    });
    r.register("8-16", |ctx, _| async move {
        let branches = (0..3).map(failing_branch).collect();
        let out = ctx
            .parallel((), branches)
            .max_concurrency(1)
            .completion(CompletionConfig::default().tolerated_failures(3))
            .await?;
        Ok(projection(&out))
    });
    r.register("8-17", |ctx, _| async move {
        let branches = vec![
            value_branch("ok0".into()),
            failing_branch(1),
            value_branch("ok2".into()),
        ];
        let out = ctx
            .parallel((), branches)
            .max_concurrency(1)
            .completion(CompletionConfig::default().min_successful(3))
            .await?;
        Ok(projection(&out))
    });
    r.register("8-18", |ctx, _| async move {
        let branches = vec![
            failing_branch(0),
            failing_branch(1),
            value_branch("ok2".into()),
            value_branch("ok3".into()),
        ];
        let out = ctx
            .parallel((), branches)
            .max_concurrency(1)
            .completion(
                CompletionConfig::default()
                    .min_successful(3)
                    .tolerated_failures(1),
            )
            .await?;
        Ok(counts(&out))
    });
    r.register("8-19", |ctx, _| async move {
        let out = ctx
            .parallel((), vec![value_branch(1.into()), value_branch(2.into())])
            .max_concurrency(0)
            .await?;
        json(out.into_results())
    });
    r.register("8-20", |ctx, _| async move {
        let branches = vec![
            value_branch("ok0".into()),
            failing_branch(1),
            value_branch("ok2".into()),
        ];
        let out = ctx
            .parallel((), branches)
            .max_concurrency(1)
            .completion(CompletionConfig::default().tolerated_failures(1))
            .await?;
        json(json!({
            "hasFailure": out.has_failure(),
            "successCount": out.succeeded().count(),
            "failureCount": out.failed().count(),
            "errorCount": out.errors().len(),
        }))
    });
    r.register("8-21", |ctx, _| async move {
        let outer = Branch::new(|c: DurableContext| async move {
            let inner = c
                .parallel((), vec![step_branch("i1"), step_branch("i2")])
                .max_concurrency(1)
                .await?;
            json(inner.into_results())
        });
        json(
            ctx.parallel((), vec![outer])
                .max_concurrency(1)
                .await?
                .into_results(),
        )
    });
    r.register("8-22", |ctx, _| async move {
        let branches = vec![
            failing_branch(0),
            value_branch("ok1".into()),
            value_branch("ok2".into()),
            value_branch("ok3".into()),
        ];
        let out = ctx
            .parallel((), branches)
            .max_concurrency(1)
            .completion(CompletionConfig::default().tolerated_failure_percentage(25.0))
            .await?;
        Ok(projection(&out))
    });
}
