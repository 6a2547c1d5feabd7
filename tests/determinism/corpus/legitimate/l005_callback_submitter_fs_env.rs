//! category: callback-submitter
//! input: {"expense": "exp-42", "amount_cents": 98000, "manager": "carol"}
//! callback: manager-approval = {"approved": true, "by": "carol"}
//! summary: the wait_for_callback submitter writes the callback id to a temp file, reads an env var and logs the clock; the answer decides the branch
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Expense {
    pub expense: String,
    pub amount_cents: u64,
    pub manager: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Approval {
    pub approved: bool,
    pub by: String,
}

#[durable_workflow]
pub async fn legit_expense_approval(ctx: DurableContext, e: Expense) -> Result<String, DurableError> {
    let expense = e.expense.clone();
    let approval: Approval = ctx
        .wait_for_callback("manager-approval", move |callback_id, step| async move {
            let inbox = std::env::var("APPROVAL_INBOX").unwrap_or_else(|_| "approvals".into());
            let path = std::env::temp_dir().join(format!("durable-determinism-l005-{inbox}-{expense}"));
            std::fs::write(&path, &callback_id).map_err(|err| err.to_string())?;
            step.logger.info(format!("asked at {:?}", std::time::SystemTime::now()));
            Ok::<_, String>(())
        })
        .timeout(Duration::from_secs(7 * 24 * 3600))
        .await?;
    if approval.approved {
        let amount = e.amount_cents;
        ctx.step("reimburse", move |_| async move { Ok::<_, String>(amount) }).await?;
        Ok(format!("{} approved by {}", e.expense, approval.by))
    } else {
        Ok(format!("{} rejected by {}", e.expense, e.manager))
    }
}

fn main() {}
