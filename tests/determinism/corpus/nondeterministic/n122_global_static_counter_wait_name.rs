//! category: global-state
//! replay: diverges
//! input: {"account": "acct-1", "reason": "too many logins"}
//! summary: counts lockouts in a static AtomicU32 and makes the cool-down wait (name and length) grow with the count
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::sync::atomic::{AtomicU32, Ordering};

static LOCKOUTS: AtomicU32 = AtomicU32::new(0);

#[derive(Debug, Clone, Deserialize)]
pub struct Lockout {
    pub account: String,
    pub reason: String,
}

#[durable_workflow]
pub async fn global_lockout_cooldown(ctx: DurableContext, l: Lockout) -> Result<u32, DurableError> {
    let strike = LOCKOUTS.fetch_add(1, Ordering::SeqCst) + 1;
    let account = l.account.clone();
    ctx.step("lock-account", move |_| async move { Ok::<_, String>(account) }).await?;
    ctx.wait(format!("cooldown-strike-{strike}"), Duration::from_secs(60 * u64::from(strike)))
        .await?;
    let account = l.account.clone();
    ctx.step("unlock-account", move |_| async move { Ok::<_, String>(account) }).await?;
    Ok(strike)
}

fn main() {}
