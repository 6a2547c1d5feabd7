//! category: global-state
//! replay: diverges
//! input: {"account": "acct-9"}
//! summary: a process-wide circuit breaker in a static RwLock counts failures across runs and, once open, skips the call step
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::sync::RwLock;

struct Breaker {
    failures: u32,
}

static BREAKER: RwLock<Breaker> = RwLock::new(Breaker { failures: 0 });

#[derive(Debug, Clone, Deserialize)]
pub struct CrmSync {
    pub account: String,
}

#[durable_workflow]
pub async fn global_sync_with_breaker(ctx: DurableContext, s: CrmSync) -> Result<String, DurableError> {
    let open = BREAKER.read().unwrap_or_else(|p| p.into_inner()).failures >= 2;
    if open {
        return Ok("circuit open: skipped".into());
    }
    let account = s.account.clone();
    let ok: bool = ctx
        .step("call-crm", move |_| async move { Ok::<_, String>(account.is_empty()) })
        .await?;
    if !ok {
        BREAKER.write().unwrap_or_else(|p| p.into_inner()).failures += 1;
    }
    Ok(format!("synced={ok}"))
}

fn main() {}
