//! category: ids
//! replay: diverges
//! input: {"transfer_id": "t-9", "amount": 250}
//! summary: names a settlement wait with Uuid::new_v4().simple() inside format!
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Transfer {
    pub transfer_id: String,
    pub amount: u64,
}

#[durable_workflow]
pub async fn ids_settle_transfer(ctx: DurableContext, t: Transfer) -> Result<String, DurableError> {
    let amount = t.amount;
    ctx.step("debit", move |_| async move { Ok::<_, String>(amount) }).await?;
    ctx.wait(
        format!("settle-{}-{}", t.transfer_id, uuid::Uuid::new_v4().simple()),
        Duration::from_secs(2 * 3600),
    )
    .await?;
    ctx.step("credit", move |_| async move { Ok::<_, String>(amount) }).await?;
    Ok(format!("{} settled", t.transfer_id))
}

fn main() {}
