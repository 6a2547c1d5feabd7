//! Suite `map` (9-x): map over items, completion configs, concurrency, namers, serdes, large
//! results, replay.

use super::json;
use crate::registry::Registry;
use durable_runtime::prelude::*;
use durable_runtime::{
    serdes_fn, BatchItem, BatchResult, CompletionConfig, CompletionReason, ItemStatus, Nesting,
};
use serde_json::{json, Value};

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

fn upper(v: &Value) -> Value {
    Value::from(v.as_str().unwrap_or_default().to_uppercase())
}

/// Items that fail at the listed indexes and return "ok" otherwise.
async fn fail_at(indexes: &'static [usize], index: usize) -> Result<Value, DurableError> {
    if indexes.contains(&index) {
        Err(DurableError::failure("ItemError", format!("item {index} failed")))
    } else {
        Ok(Value::from("ok"))
    }
}

/// The operation-level serdes of 9-19 / 9-20: `OPSERDE:` and the comma-joined results.
fn opserde() -> impl durable_runtime::Serdes<BatchResult<Value>> {
    serdes_fn(
        |r: &BatchResult<Value>| {
            let joined: Vec<String> = r
                .results()
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect();
            Ok(format!("OPSERDE:{}", joined.join(",")))
        },
        |data: Option<&str>| {
            let body = data
                .and_then(|d| d.strip_prefix("OPSERDE:"))
                .ok_or("not an OPSERDE payload")?;
            let all = body
                .split(',')
                .filter(|s| !s.is_empty())
                .enumerate()
                .map(|(index, s)| BatchItem {
                    index,
                    status: ItemStatus::Succeeded,
                    result: Some(Value::from(s)),
                    error: None,
                })
                .collect();
            Ok(BatchResult {
                all,
                completion_reason: CompletionReason::AllCompleted,
            })
        },
    )
}

pub(super) fn register(r: &mut Registry) {
    r.register("9-1", |ctx, input| async move {
        let items: Vec<Value> = input.as_array().cloned().unwrap_or_default();
        let out = ctx
            .map("map", items, |c: DurableContext, item: Value, _| async move {
                let name = super::text(&item);
                c.step((), move |_| async move {
                    Ok::<_, DurableError>(Value::from(format!("Hello, {name}!")))
                })
                .await
            })
            .max_concurrency(1)
            .await?;
        json(out.into_results())
    });
    r.register("9-3", |ctx, input| async move {
        let items: Vec<Value> = input.as_array().cloned().unwrap_or_default();
        let out = ctx
            .map((), items, |_c: DurableContext, item: Value, index| async move {
                Ok(Value::from(item.as_i64().unwrap_or(0) + index as i64))
            })
            .max_concurrency(1)
            .await?;
        json(out.into_results())
    });
    r.register("9-4", |ctx, input| async move {
        let items: Vec<Value> = input.as_array().cloned().unwrap_or_default();
        let out = ctx
            .map(
                (),
                items,
                |_c: DurableContext, item: Value, _| async move { Ok(item) },
            )
            .await?;
        json(out.into_results())
    });
    r.register("9-5", |ctx, _| async move {
        let out = ctx
            .map((), vec![0, 1, 2], |_c: DurableContext, _item: i32, i| {
                fail_at(&[1], i)
            })
            .max_concurrency(1)
            .completion(CompletionConfig::fail_fast())
            .await?;
        Ok(projection(&out))
    });
    r.register("9-6", |ctx, _| async move {
        let out = ctx
            .map((), vec![0, 1], |_c: DurableContext, _item: i32, i| {
                fail_at(&[0], i)
            })
            .max_concurrency(1)
            .completion(CompletionConfig::fail_fast())
            .await?;
        out.throw_if_error()?;
        json(out.into_results())
    });
    r.register("9-8", |ctx, _| async move {
        let out = ctx
            .map((), vec![0, 1, 2], |_c: DurableContext, _item: i32, i| {
                fail_at(&[1], i)
            })
            .max_concurrency(1)
            .completion(CompletionConfig::default().tolerated_failures(1))
            .await?;
        Ok(projection(&out))
    });
    r.register("9-10", |ctx, _| async move {
        let out = ctx
            .map((), vec![0, 1, 2, 3], |_c: DurableContext, _item: i32, i| {
                fail_at(&[0, 1, 2, 3], i)
            })
            .max_concurrency(1)
            .completion(CompletionConfig::default().tolerated_failure_percentage(25.0))
            .await?;
        Ok(counts(&out))
    });
    r.register("9-11", |ctx, _| async move {
        let out = ctx
            .map((), vec![0, 1, 2], |_c: DurableContext, item: i32, _| async move {
                Ok(Value::from(format!("r{item}")))
            })
            .max_concurrency(2)
            .await?;
        json(out.into_results())
    });
    r.register("9-12", |ctx, _| async move {
        let out = ctx
            .map(
                (),
                vec!["fa", "fb"],
                |c: DurableContext, item: &'static str, _| async move {
                    c.step(
                        (),
                        move |_| async move { Ok::<_, DurableError>(Value::from(item)) },
                    )
                    .await
                },
            )
            .max_concurrency(1)
            .nesting(Nesting::Flat)
            .await?;
        json(out.into_results())
    });
    r.register("9-13", |ctx, input| async move {
        let items: Vec<Value> = input.as_array().cloned().unwrap_or_default();
        let out = ctx
            .map((), items, |_c: DurableContext, item: Value, _| async move {
                Ok(Value::from(item.as_i64().unwrap_or(0) * 10))
            })
            .max_concurrency(1)
            .item_namer(|item: &Value, _| format!("item-{item}"))
            .await?;
        json(out.into_results())
    });
    r.register("9-14", |ctx, _| async move {
        let wrapped = serdes_fn(
            |v: &Value| Ok(format!("wrapped:{}", v.as_str().unwrap_or_default())),
            |data: Option<&str>| {
                let body = data
                    .and_then(|d| d.strip_prefix("wrapped:"))
                    .ok_or("not a wrapped payload")?;
                Ok(Value::from(body))
            },
        );
        let out = ctx
            .map(
                (),
                vec![json!("x"), json!("y")],
                |_c: DurableContext, item: Value, _| async move { Ok(upper(&item)) },
            )
            .max_concurrency(1)
            .item_serdes(wrapped)
            .await?;
        json(out.into_results())
    });
    r.register("9-15", |ctx, _| async move {
        let out = ctx
            .map((), vec![0, 1], |c: DurableContext, item: i32, _| async move {
                if item == 1 {
                    c.wait((), Duration::from_secs(1)).await?;
                }
                c.step((), move |_| async move {
                    Ok::<_, DurableError>(Value::from(format!("r{item}")))
                })
                .await
            })
            .max_concurrency(1)
            .await?;
        json(out.into_results())
    });
    r.register("9-16", |ctx, _| async move {
        let out = ctx
            .map(
                (),
                vec![0, 1, 2, 3],
                |_c: DurableContext, item: i32, _| async move {
                    Ok(Value::from(format!("{item}").repeat(70 * 1024)))
                },
            )
            .max_concurrency(1)
            .await?;
        json(json!({"successCount": out.success_count(), "totalCount": out.total_count()}))
    });
    r.register("9-17", |ctx, _| async move {
        let out = ctx
            .map(
                (),
                vec![json!("a"), json!("b")],
                |_c: DurableContext, item: Value, _| async move { Ok(upper(&item)) },
            )
            .max_concurrency(1)
            .await?;
        ctx.wait((), Duration::from_secs(1)).await?;
        json(out.into_results())
    });
    r.register("9-19", |ctx, _| async move {
        let out = ctx
            .map(
                (),
                vec![json!("x"), json!("y")],
                |_c: DurableContext, item: Value, _| async move { Ok(upper(&item)) },
            )
            .max_concurrency(1)
            .serdes(opserde())
            .await?;
        json(out.into_results())
    });
    r.register("9-20", |ctx, _| async move {
        let out = ctx
            .map(
                (),
                vec![json!("x"), json!("y")],
                |_c: DurableContext, item: Value, _| async move { Ok(upper(&item)) },
            )
            .max_concurrency(1)
            .serdes(opserde())
            .await?;
        ctx.wait((), Duration::from_secs(1)).await?;
        json(out.into_results())
    });
}
