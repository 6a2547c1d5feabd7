//! category: clock
//! replay: same
//! input: {"ticket": 314, "priority": "high"}
//! summary: logs the wall-clock start time with ctx.logger(); the value only reaches a log line
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::time::SystemTime;

#[derive(Debug, Clone, Deserialize)]
pub struct Ticket {
    pub ticket: u64,
    pub priority: String,
}

#[durable_workflow]
pub async fn clock_triage_ticket(ctx: DurableContext, t: Ticket) -> Result<String, DurableError> {
    let log = ctx.logger();
    log.info(format!("triage of #{} started at {:?}", t.ticket, SystemTime::now()));
    let queue: String = ctx
        .step("route", {
            let priority = t.priority.clone();
            move |_| async move { Ok::<_, String>(if priority == "high" { "oncall".to_string() } else { "backlog".to_string() }) }
        })
        .await?;
    log.info(format!("routed to {queue}"));
    Ok(queue)
}

fn main() {}
