//! category: env
//! replay: same
//! input: {"request_id": "r-3", "approver": "ops-lead"}
//! summary: reads the approval timeout through an aliased `use std::env::var as getenv` and passes it to wait_for_callback; constant within a process
//! callback: approval = {"approved": true}
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::env::var as getenv;

#[derive(Debug, Clone, Deserialize)]
pub struct AccessRequest {
    pub request_id: String,
    pub approver: String,
}

#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct Decision {
    pub approved: bool,
}

#[durable_workflow]
pub async fn env_request_access(ctx: DurableContext, r: AccessRequest) -> Result<bool, DurableError> {
    let hours: u64 = getenv("APPROVAL_TIMEOUT_HOURS")
        .ok()
        .and_then(|h| h.parse().ok())
        .unwrap_or(48);
    let approver = r.approver.clone();
    let decision: Decision = ctx
        .wait_for_callback("approval", move |callback_id, _| async move {
            let _ = (approver, callback_id);
            Ok::<_, String>(())
        })
        .timeout(Duration::from_secs(hours * 3600))
        .await?;
    Ok(decision.approved)
}

fn main() {}
