//! Suite `invoke` (5-x): chained invokes of other durable functions.

use super::{json, text};
use crate::registry::Registry;
use durable_runtime::prelude::*;
use durable_runtime::serdes_fn;
use serde_json::Value;

/// Returns its input unchanged.
pub(crate) const ECHO: &str = "conformance-echo";
/// Always fails.
pub(crate) const FAILING: &str = "conformance-failing";

fn echo(ctx: &DurableContext, input: Value) -> durable_runtime::Invoke<Value, Value> {
    ctx.invoke((), ECHO, input)
}

pub(super) fn register(r: &mut Registry) {
    r.target(ECHO, |_ctx, input| async move { Ok(input) });
    r.target(FAILING, |_ctx, _| async move {
        Err(DurableError::failure(
            "TargetError",
            "the invoked function failed on purpose",
        ))
    });

    r.register("5-1", |ctx, input| async move { echo(&ctx, input).await });
    r.register("5-2", |ctx, input| async move {
        let name = text(input.get("name").unwrap_or(&Value::Null));
        let payload = input.get("payload").cloned().unwrap_or(Value::Null);
        ctx.invoke::<Value, Value>(name, ECHO, payload).await
    });
    r.register("5-3", |ctx, input| async move { echo(&ctx, input).await });
    r.register("5-4", |ctx, _| async move { echo(&ctx, Value::Null).await });
    r.register("5-5", |ctx, _| async move {
        ctx.invoke::<Value, Value>((), FAILING, Value::Null).await
    });
    r.register("5-6", |ctx, _| async move {
        match ctx.invoke::<Value, Value>((), FAILING, Value::Null).await {
            Ok(v) => Ok(v),
            Err(DurableError::InvokeFailed { .. }) => json("fallback"),
            Err(e) => Err(e),
        }
    });
    r.register("5-7", |ctx, _| async move {
        // Close to the 1 MiB operation payload limit once serialized.
        let large = "x".repeat(1024 * 1024 - 1024);
        let echoed = echo(&ctx, Value::String(large)).await?;
        json(echoed.as_str().map_or(0, str::len))
    });
    r.register("5-8", |ctx, input| async move {
        let tenant = text(input.get("tenantId").unwrap_or(&Value::Null));
        let payload = input.get("payload").cloned().unwrap_or(Value::Null);
        echo(&ctx, payload).tenant_id(tenant).await
    });
    r.register("5-9", |ctx, _| async move {
        let v = echo(&ctx, serde_json::json!({"cached": true})).await?;
        ctx.wait((), Duration::from_secs(1)).await?;
        Ok(v)
    });
    r.register("5-10", |ctx, _| async move {
        let caught = matches!(
            ctx.invoke::<Value, Value>((), FAILING, Value::Null).await,
            Err(DurableError::InvokeFailed { .. })
        );
        ctx.wait((), Duration::from_secs(1)).await?;
        json(serde_json::json!({ "caught": caught }))
    });
    r.register("5-11", |ctx, _| async move {
        let v: String = ctx
            .step("prepare", |_| async {
                Ok::<_, DurableError>("prepared".to_owned())
            })
            .await?;
        echo(&ctx, Value::String(v)).await
    });
    r.register("5-13", |ctx, _| async move {
        ctx.run_in_child_context("invoking_child", |child: DurableContext| async move {
            echo(&child, Value::String("from child".into())).await
        })
        .await
    });
    r.register("5-15", |ctx, input| async move {
        let uppercase = serdes_fn(
            |v: &Value| Ok(v.to_string().to_uppercase()),
            |data: Option<&str>| serde_json::from_str(data.unwrap_or("null")).map_err(|e| e.to_string()),
        );
        ctx.invoke::<Value, Value>((), ECHO, input)
            .payload_serdes(uppercase)
            .await
    });
}
