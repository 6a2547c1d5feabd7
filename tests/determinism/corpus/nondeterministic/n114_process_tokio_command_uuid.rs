//! category: process
//! replay: diverges
//! input: {"device": "kiosk-9"}
//! summary: gets a device enrollment id from the kernel with tokio::process::Command (cat /proc/sys/kernel/random/uuid) and sends it through ctx.invoke
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::process::Command;

#[derive(Debug, Clone, Deserialize)]
pub struct Device {
    pub device: String,
}

#[derive(Debug, Serialize)]
pub struct Enrollment {
    pub device: String,
    pub enrollment_id: String,
}

#[durable_workflow]
pub async fn process_enroll_device(ctx: DurableContext, d: Device) -> Result<String, DurableError> {
    let out = Command::new("cat").arg("/proc/sys/kernel/random/uuid").output().await;
    let enrollment_id = out
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let e = Enrollment {
        device: d.device.clone(),
        enrollment_id: enrollment_id.clone(),
    };
    let _ = ctx.invoke::<_, serde_json::Value>("enroll", "mdm-enroll", e).await;
    Ok(enrollment_id)
}

fn main() {}
