//! Suite `wait` (2-x): durable waits.

use super::json;
use crate::registry::Registry;
use durable_runtime::prelude::*;

pub(super) fn register(r: &mut Registry) {
    r.register("2-1", |ctx, _| async move {
        ctx.wait((), Duration::from_secs(2)).await?;
        json(())
    });
    r.register("2-2", |ctx, _| async move {
        ctx.wait("custom_wait_name", Duration::from_secs(2)).await?;
        json(())
    });
    r.register("2-3", |ctx, _| async move {
        ctx.wait("wait-1", Duration::from_secs(2)).await?;
        ctx.wait("wait-2", Duration::from_secs(2)).await?;
        json(serde_json::json!({ "completedWaits": 2 }))
    });
    r.register("2-4", |ctx, _| async move {
        ctx.wait((), Duration::from_secs(60)).await?;
        json(())
    });
}
