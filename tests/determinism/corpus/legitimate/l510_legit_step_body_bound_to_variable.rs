//! category: legit-bound-step-closure
//! input: {"device_id": "meter-5", "site": "plant-a"}
//! summary: meter reading binds its step bodies (which read SystemTime and fastrand) to variables before passing them to ctx.step; only the checkpointed values reach the workflow
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeterRead {
    pub device_id: String,
    pub site: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reading {
    pub kwh: u64,
    pub read_at_ms: u128,
}

#[durable_workflow]
pub async fn hx_legit_read_smart_meter(ctx: DurableContext, req: MeterRead) -> Result<String, DurableError> {
    let device = req.device_id.clone();
    let read_meter = move |_: durable_runtime::StepContext| async move {
        let read_at_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        let kwh = 1_000 + fastrand::u64(0..50) + device.len() as u64;
        Ok::<_, String>(Reading { kwh, read_at_ms })
    };
    let reading: Reading = ctx.step("read-meter", read_meter).await?;

    let site = req.site.clone();
    let upload = move |_: durable_runtime::StepContext| async move {
        Ok::<_, String>(format!("{site}:{}@{}", reading.kwh, reading.read_at_ms))
    };
    let receipt: String = ctx.step("upload-reading", upload).await?;
    ctx.logger().info(format!("uploaded {receipt}"));
    ctx.wait("next-read-interval", Duration::from_secs(15 * 60)).await?;
    Ok(format!("{} read and uploaded", req.device_id))
}

fn main() {}
