//! category: hashmap-iteration
//! replay: diverges
//! input: {"service": "checkout", "flags": {"new_cart": true, "one_click": false, "apple_pay": true, "gift_cards": true, "dark_mode": false}}
//! summary: feature-flag rollout Debug-formats the HashMap of flags into the name of the apply step ("apply {..}"), so the name's text follows hash order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FlagRollout {
    pub service: String,
    pub flags: HashMap<String, bool>,
}

#[durable_workflow]
pub async fn hx_rollout_feature_flags(ctx: DurableContext, rollout: FlagRollout) -> Result<usize, DurableError> {
    let service = rollout.service.clone();
    let healthy: bool = ctx
        .step("check-service-health", move |_| async move { Ok::<_, String>(!service.is_empty()) })
        .await?;
    if !healthy {
        return Ok(0);
    }
    let flags = rollout.flags.clone();
    let enabled = flags.values().filter(|on| **on).count();
    ctx.step(format!("apply {:?}", rollout.flags), move |_| async move {
        Ok::<_, String>(flags.len())
    })
    .await?;
    ctx.wait("bake-time", Duration::from_secs(30 * 60)).await?;
    let service = rollout.service.clone();
    ctx.step("verify-error-rate", move |_| async move { Ok::<_, String>(format!("{service} ok")) })
        .await?;
    Ok(enabled)
}

fn main() {}
