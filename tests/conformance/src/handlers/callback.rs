//! Suite `callback` (4-x): create/await callbacks, timeouts, heartbeats, failures, serdes.

use super::{json, text};
use crate::registry::Registry;
use durable_runtime::prelude::*;
use durable_runtime::serdes_fn;
use durable_runtime::wire::EpochMillis;
use serde_json::Value;

async fn noop_step(ctx: &DurableContext) -> Result<(), DurableError> {
    ctx.step("between", |_| async { Ok::<_, DurableError>(()) }).await
}

pub(super) fn register(r: &mut Registry) {
    r.register("4-1", |ctx, input| async move {
        let cb = ctx.create_callback::<Value>(text(&input)).await?;
        cb.result().await
    });
    r.register("4-2", |ctx, _| async move {
        let cb = ctx.create_callback::<Value>("approval").await?;
        cb.result().await
    });
    r.register("4-3", |ctx, input| async move {
        let cb = ctx
            .create_callback::<Value>(text(&input))
            .timeout(Duration::from_secs(5))
            .await?;
        cb.result().await
    });
    r.register("4-4", |ctx, input| async move {
        let cb = ctx
            .create_callback::<Value>(text(&input))
            .heartbeat_timeout(Duration::from_secs(5))
            .await?;
        cb.result().await
    });
    r.register("4-5", |ctx, input| async move {
        let cb = ctx
            .create_callback::<Value>(text(&input))
            .heartbeat_timeout(Duration::from_secs(10))
            .await?;
        cb.result().await
    });
    r.register("4-7", |ctx, input| async move {
        let cb = ctx.create_callback::<Value>(text(&input)).await?;
        noop_step(&ctx).await?;
        cb.result().await
    });
    r.register("4-8", |ctx, input| async move {
        let cb = ctx
            .create_callback::<Value>(text(&input))
            .timeout(Duration::from_secs(5))
            .await?;
        noop_step(&ctx).await?;
        cb.result().await
    });
    r.register("4-9", |ctx, input| async move {
        let cb = ctx.create_callback::<Value>(text(&input)).await?;
        ctx.wait((), Duration::from_secs(5)).await?;
        cb.result().await
    });
    r.register("4-10", |ctx, input| async move {
        let cb = ctx.create_callback::<Value>(text(&input)).await?;
        ctx.wait((), Duration::from_secs(5)).await?;
        cb.result().await
    });
    r.register("4-11", |ctx, input| async move {
        let cb = ctx
            .create_callback::<Value>(text(&input))
            .timeout(Duration::from_secs(3))
            .await?;
        ctx.wait((), Duration::from_secs(6)).await?;
        cb.result().await
    });
    r.register("4-12", |ctx, input| async move {
        let cb = ctx.create_callback::<Value>(text(&input)).await?;
        let v = cb.result().await?;
        ctx.wait((), Duration::from_secs(2)).await?;
        Ok(v)
    });
    r.register("4-13", |ctx, input| async move {
        let cb = ctx.create_callback::<Value>(text(&input)).await?;
        let message = match cb.result().await {
            Ok(v) => v.to_string(),
            Err(DurableError::CallbackFailed { error, .. }) => {
                format!("callback failed: {}", error.message())
            }
            Err(e) => return Err(e),
        };
        ctx.wait((), Duration::from_secs(2)).await?;
        json(message)
    });
    r.register("4-14", |ctx, input| async move {
        let cb = ctx
            .create_callback::<Value>(text(&input))
            .timeout(Duration::from_secs(3))
            .await?;
        let message = match cb.result().await {
            Ok(v) => v.to_string(),
            Err(DurableError::CallbackTimedOut { error, .. }) => {
                format!("callback timed out: {}", error.type_name())
            }
            Err(e) => return Err(e),
        };
        ctx.wait((), Duration::from_secs(2)).await?;
        json(message)
    });
    r.register("4-15", |ctx, input| async move {
        // Parses the raw JSON and turns the ISO timestamp into epoch seconds.
        let typed = serdes_fn(
            |v: &Value| Ok(v.to_string()),
            |data: Option<&str>| {
                let mut v: Value = serde_json::from_str(data.unwrap_or("null")).map_err(|e| e.to_string())?;
                let iso = v.get("timestamp").and_then(Value::as_str).ok_or("no timestamp")?;
                let secs = EpochMillis::parse_rfc3339(iso)?.as_millis() / 1000;
                v["timestamp"] = Value::from(secs);
                Ok(v)
            },
        );
        let cb = ctx.create_callback::<Value>(text(&input)).serdes(typed).await?;
        let received = cb.result().await?;
        json(serde_json::json!({ "received": received }))
    });
    r.register("4-19", |ctx, input| async move {
        let a = ctx
            .create_callback::<Value>(text(&input.get(0).cloned().unwrap_or_default()))
            .await?;
        let b = ctx
            .create_callback::<Value>(text(&input.get(1).cloned().unwrap_or_default()))
            .await?;
        let rb = b.result().await?;
        let ra = a.result().await?;
        json(vec![ra, rb])
    });
}
