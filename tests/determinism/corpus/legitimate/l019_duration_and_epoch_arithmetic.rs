//! category: look-alike-std
//! input: {"invoice": "inv-2", "issued_at_secs": 1767225600, "net_days": 30}
//! summary: computes a due date with `UNIX_EPOCH + Duration::from_secs(..)` from the input and waits a std::time::Duration; SystemTime only as a type
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Deserialize)]
pub struct Dunning {
    pub invoice: String,
    pub issued_at_secs: u64,
    pub net_days: u64,
}

fn due_date(issued: SystemTime, net_days: u64) -> SystemTime {
    issued + std::time::Duration::from_secs(net_days * 86_400)
}

#[durable_workflow]
pub async fn legit_dunning_schedule(ctx: DurableContext, d: Dunning) -> Result<u64, DurableError> {
    let issued: SystemTime = UNIX_EPOCH + Duration::from_secs(d.issued_at_secs);
    let due = due_date(issued, d.net_days);
    let due_secs = due.duration_since(UNIX_EPOCH).map(|x| x.as_secs()).unwrap_or_default();
    let grace: std::time::Duration = Duration::from_secs(d.net_days * 86_400);
    ctx.wait("until-due", grace).await?;
    let inv = d.invoice.clone();
    ctx.step("send-reminder", move |_| async move { Ok::<_, String>(inv) }).await?;
    Ok(due_secs)
}

fn main() {}
