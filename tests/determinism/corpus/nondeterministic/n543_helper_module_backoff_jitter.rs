//! category: helper-fn
//! replay: diverges
//! input: {"endpoint": "partner-crm", "records": 3}
//! summary: CRM sync waits between record pushes for retry_util::backoff(attempt), a helper in a user module that adds fastrand jitter, so the durable waits get different durations each run
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrmSync {
    pub endpoint: String,
    pub records: u32,
}

mod retry_util {
    use std::time::Duration;

    pub fn backoff(attempt: u32) -> Duration {
        let base = 10u64 << attempt.min(6);
        Duration::from_secs(base + fastrand::u64(0..base))
    }
}

#[durable_workflow]
pub async fn hx_sync_partner_crm(ctx: DurableContext, sync: CrmSync) -> Result<u32, DurableError> {
    let mut pushed = 0;
    for record in 0..sync.records {
        let endpoint = sync.endpoint.clone();
        let ok: bool = ctx
            .step(format!("push-record-{record}"), move |_| async move { Ok::<_, String>(!endpoint.is_empty()) })
            .await?;
        if ok {
            pushed += 1;
        }
        ctx.wait(format!("pace-{record}"), retry_util::backoff(record)).await?;
    }
    Ok(pushed)
}

fn main() {}
