//! category: randomness
//! replay: diverges
//! input: {"device_id": "thermo-19", "firmware": "4.2.1", "max_polls": 3}
//! summary: IoT firmware rollout polls the device with durable waits whose jitter comes from rand::random::<f64>() in the body, so every run submits different wait durations
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rollout {
    pub device_id: String,
    pub firmware: String,
    pub max_polls: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RolloutStatus {
    pub device_id: String,
    pub installed: bool,
    pub polls: u32,
}

fn poll_delay(attempt: u32) -> Duration {
    let base = 30.0 * f64::from(attempt + 1);
    let jitter: f64 = rand::random::<f64>() * base;
    Duration::from_secs_f64(base + jitter)
}

#[durable_workflow]
pub async fn hx_firmware_rollout(ctx: DurableContext, rollout: Rollout) -> Result<RolloutStatus, DurableError> {
    let (device, fw) = (rollout.device_id.clone(), rollout.firmware.clone());
    ctx.step("push-firmware", move |_| async move { Ok::<_, String>(format!("{device}@{fw}")) })
        .await?;

    let mut polls = 0;
    let mut installed = false;
    while polls < rollout.max_polls && !installed {
        ctx.wait(format!("backoff-{polls}"), poll_delay(polls)).await?;
        let attempt = polls;
        installed = ctx
            .step(format!("poll-device-{polls}"), move |_| async move { Ok::<_, String>(attempt >= 1) })
            .await?;
        polls += 1;
    }
    Ok(RolloutStatus {
        device_id: rollout.device_id,
        installed,
        polls,
    })
}

fn main() {}
