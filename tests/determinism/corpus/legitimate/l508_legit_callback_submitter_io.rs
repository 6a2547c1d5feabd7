//! category: legit-callback-submitter
//! input: {"request_id": "exp-44", "employee": "tariq", "amount_cents": 64000}
//! callback: manager-approval = {"approved": true, "approver": "lena"}
//! summary: expense approval generates a ticket uuid, reads the clock and writes the ticket to a temp file inside the wait_for_callback submitter (a step); the decision drives the payout step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expense {
    pub request_id: String,
    pub employee: String,
    pub amount_cents: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decision {
    pub approved: bool,
    pub approver: String,
}

#[durable_workflow]
pub async fn hx_legit_expense_approval(ctx: DurableContext, expense: Expense) -> Result<String, DurableError> {
    let amount = expense.amount_cents;
    let needs_manager: bool = ctx
        .step("check-policy", move |_| async move { Ok::<_, String>(amount > 50_000) })
        .await?;
    if needs_manager {
        let (req, employee) = (expense.request_id.clone(), expense.employee.clone());
        let decision: Decision = ctx
            .wait_for_callback("manager-approval", move |callback_id, s| async move {
                let ticket = uuid::Uuid::new_v4();
                let sent_at = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
                let outbox = std::env::temp_dir().join("hx_durable_corpus_approval_outbox.txt");
                let line = format!("{ticket} {req} {employee} {callback_id} {sent_at}\n");
                std::fs::write(&outbox, line).map_err(|e| e.to_string())?;
                s.logger.info(format!("approval ticket {ticket} filed"));
                Ok::<_, String>(())
            })
            .timeout(Duration::from_secs(5 * 24 * 3600))
            .await?;
        if !decision.approved {
            return Ok(format!("rejected by {}", decision.approver));
        }
    }
    let employee = expense.employee.clone();
    ctx.step("schedule-payout", move |_| async move { Ok::<_, String>(format!("{employee}:{amount}")) })
        .await?;
    Ok("paid".into())
}

fn main() {}
