//! category: helper-fn
//! replay: diverges
//! input: {"transfer_id": "tx-400", "from_account": "DE44-001", "to_account": "FR76-002", "amount_cents": 125000}
//! summary: bank transfer calls a helper method on the input struct, Transfer::idempotency_key(), which mixes in SystemTime::now() nanoseconds; the key names the debit and credit steps
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transfer {
    pub transfer_id: String,
    pub from_account: String,
    pub to_account: String,
    pub amount_cents: u64,
}

impl Transfer {
    /// Unique per attempt so the core banking API never dedupes two different transfers.
    fn idempotency_key(&self) -> String {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        format!("{}-{:x}", self.transfer_id, nanos)
    }

    fn is_cross_border(&self) -> bool {
        self.from_account[..2] != self.to_account[..2]
    }
}

#[durable_workflow]
pub async fn hx_execute_bank_transfer(ctx: DurableContext, transfer: Transfer) -> Result<String, DurableError> {
    let key = transfer.idempotency_key();
    let (from, amount) = (transfer.from_account.clone(), transfer.amount_cents);
    ctx.step(format!("debit-{key}"), move |_| async move { Ok::<_, String>(format!("{from}:-{amount}")) })
        .await?;
    if transfer.is_cross_border() {
        ctx.wait("sepa-settlement", Duration::from_secs(6 * 3600)).await?;
    }
    let to = transfer.to_account.clone();
    ctx.step(format!("credit-{key}"), move |_| async move { Ok::<_, String>(format!("{to}:+{amount}")) })
        .await?;
    Ok(key)
}

fn main() {}
