//! Suite `wait_for_callback` (7-x): wait-for-callback with a submitter, timeouts, heartbeats,
//! failures, nesting.

use super::{json, text};
use crate::registry::Registry;
use durable_runtime::prelude::*;
use durable_runtime::{Name, StepContext, WaitForCallback};
use serde_json::Value;

/// The external system is played by the harness, so the submitter only records the id.
async fn submit(callback_id: String, s: StepContext) -> Result<(), DurableError> {
    s.logger.info(format!("submitting callback {callback_id}"));
    Ok(())
}

type Submitter = fn(
    String,
    StepContext,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), DurableError>> + Send>>;

fn wfc(ctx: &DurableContext, name: impl Into<Name>) -> WaitForCallback<Value, Submitter> {
    ctx.wait_for_callback(name, (|id, s| Box::pin(submit(id, s))) as Submitter)
}

pub(super) fn register(r: &mut Registry) {
    r.register("7-2", |ctx, _| async move { wfc(&ctx, "approval").await });
    r.register("7-3", |ctx, _| async move { wfc(&ctx, ()).await });
    r.register("7-5", |ctx, input| async move {
        wfc(&ctx, text(&input)).timeout(Duration::from_secs(3)).await
    });
    r.register("7-6", |ctx, input| async move {
        match wfc(&ctx, text(&input)).await {
            Ok(v) => Ok(v),
            Err(DurableError::CallbackFailed { .. }) => json("recovered"),
            Err(e) => Err(e),
        }
    });
    r.register("7-8", |ctx, input| async move {
        ctx.run_in_child_context("wrapper", move |child: DurableContext| async move {
            wfc(&child, text(&input)).await
        })
        .await
    });
    r.register("7-9", |ctx, _| async move {
        let _first = wfc(&ctx, "first").await?;
        wfc(&ctx, "second").await
    });
    r.register("7-10", |ctx, input| async move {
        ctx.wait((), Duration::from_secs(1)).await?;
        let _: Value = ctx
            .step("fixed_data", |_| async {
                Ok::<_, DurableError>(serde_json::json!({"fixed": true}))
            })
            .await?;
        wfc(&ctx, text(&input)).await
    });
    r.register("7-11", |ctx, input| async move {
        let v = wfc(&ctx, text(&input)).await?;
        Ok(v.get("status").cloned().unwrap_or(Value::Null))
    });
    r.register("7-12", |ctx, input| async move {
        wfc(&ctx, text(&input))
            .heartbeat_timeout(Duration::from_secs(5))
            .await
    });
    r.register("7-13", |ctx, input| async move {
        wfc(&ctx, text(&input))
            .heartbeat_timeout(Duration::from_secs(10))
            .await
    });
    r.register("7-14", |ctx, input| async move {
        match wfc(&ctx, text(&input)).timeout(Duration::from_secs(3)).await {
            Ok(v) => Ok(v),
            Err(DurableError::CallbackTimedOut { .. }) => json("timed-out-handled"),
            Err(e) => Err(e),
        }
    });
    r.register("7-15", |ctx, input| async move { wfc(&ctx, text(&input)).await });
}
