//! category: clock
//! replay: diverges
//! input: {"ticket_id": "T-1009", "subject": "Cannot log in after password reset", "customer_tier": "gold"}
//! summary: support triage starts a std::time::Instant in the body and returns started.elapsed() in microseconds as part of the result
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Instant;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ticket {
    pub ticket_id: String,
    pub subject: String,
    pub customer_tier: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Triage {
    pub queue: String,
    pub priority: u8,
    pub triage_micros: u128,
}

fn classify(subject: &str) -> &'static str {
    let s = subject.to_lowercase();
    if s.contains("log in") || s.contains("password") {
        "identity"
    } else if s.contains("invoice") || s.contains("refund") {
        "billing"
    } else {
        "general"
    }
}

#[durable_workflow]
pub async fn hx_triage_support_ticket(ctx: DurableContext, ticket: Ticket) -> Result<Triage, DurableError> {
    let started = Instant::now();
    let subject = ticket.subject.clone();
    let queue: String = ctx
        .step("classify-ticket", move |_| async move { Ok::<_, String>(classify(&subject).to_owned()) })
        .await?;
    let tier = ticket.customer_tier.clone();
    let priority: u8 = ctx
        .step("score-priority", move |_| async move {
            Ok::<_, String>(if tier == "gold" { 1 } else { 3 })
        })
        .await?;
    let id = ticket.ticket_id.clone();
    let q = queue.clone();
    ctx.run_in_child_context("route", move |child| async move {
        child
            .step(format!("assign-{q}"), move |_| async move { Ok::<_, String>(format!("{id} -> {q}")) })
            .await
    })
    .await?;
    Ok(Triage {
        queue,
        priority,
        triage_micros: started.elapsed().as_micros(),
    })
}

fn main() {}
