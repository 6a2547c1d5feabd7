//! category: ids
//! replay: diverges
//! input: {"device": "thermostat-3", "firmware": "2.4.1"}
//! summary: builds a rollout id with uuid::Builder::from_random_bytes(rand::random()) and returns it
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Builder;

#[derive(Debug, Clone, Deserialize)]
pub struct Rollout {
    pub device: String,
    pub firmware: String,
}

#[derive(Debug, Serialize)]
pub struct RolloutTicket {
    pub rollout_id: String,
    pub device: String,
    pub staged: bool,
}

#[durable_workflow]
pub async fn ids_stage_firmware(ctx: DurableContext, r: Rollout) -> Result<RolloutTicket, DurableError> {
    let rollout_id = Builder::from_random_bytes(rand::random()).into_uuid();
    let firmware = r.firmware.clone();
    let staged: bool = ctx
        .step("stage-image", move |_| async move { Ok::<_, String>(!firmware.is_empty()) })
        .await?;
    Ok(RolloutTicket {
        rollout_id: rollout_id.to_string(),
        device: r.device,
        staged,
    })
}

fn main() {}
