//! category: deterministic-api
//! input: {"contract": "ct-3", "sign_within_days": 5}
//! summary: computes a signing deadline from ctx.now() (recorded once) and a timeout callback, using SystemTime/UNIX_EPOCH arithmetic on the recorded value
//! callback: signature = true
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Deserialize)]
pub struct Contract {
    pub contract: String,
    pub sign_within_days: u64,
}

fn deadline(start: SystemTime, days: u64) -> SystemTime {
    start + Duration::from_secs(days * 24 * 3600)
}

#[durable_workflow]
pub async fn legit_contract_deadline(ctx: DurableContext, c: Contract) -> Result<String, DurableError> {
    let started = ctx.now().await?;
    let due = deadline(started, c.sign_within_days);
    let due_secs = due.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let signed: bool = ctx
        .wait_for_callback("signature", |_, _| async { Ok::<_, String>(()) })
        .timeout(Duration::from_secs(c.sign_within_days * 24 * 3600))
        .await?;
    Ok(format!("{} signed={signed} due={due_secs}", c.contract))
}

fn main() {}
