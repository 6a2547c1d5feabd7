//! category: hashmap-iteration
//! replay: diverges
//! input: {"account": "globex", "overdue_days": 45, "contacts": {"billing": "bill@globex.test", "cfo": "cfo@globex.test", "ops": "ops@globex.test", "legal": "legal@globex.test"}}
//! summary: dunning escalation takes the "first" entry of the contacts HashMap with .iter().next() as the primary contact, naming the reminder step and the result after it
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dunning {
    pub account: String,
    pub overdue_days: u32,
    pub contacts: HashMap<String, String>,
}

#[durable_workflow]
pub async fn hx_dunning_escalation(ctx: DurableContext, input: Dunning) -> Result<String, DurableError> {
    let account = input.account.clone();
    let balance: u64 = ctx
        .step("load-balance", move |_| async move { Ok::<_, String>(account.len() as u64 * 1_250) })
        .await?;
    if balance == 0 {
        return Ok("nothing owed".into());
    }
    let Some((role, email)) = input.contacts.iter().next() else {
        return Ok("no contact on file".into());
    };
    let (to, days) = (email.clone(), input.overdue_days);
    ctx.step(format!("remind-{role}"), move |_| async move {
        Ok::<_, String>(format!("sent {days}-day notice to {to}"))
    })
    .await?;
    if input.overdue_days > 30 {
        ctx.wait("final-notice-delay", Duration::from_secs(7 * 24 * 3600)).await?;
        let acct = input.account.clone();
        ctx.step("suspend-account", move |_| async move { Ok::<_, String>(acct) }).await?;
    }
    Ok(format!("escalated via {role}"))
}

fn main() {}
