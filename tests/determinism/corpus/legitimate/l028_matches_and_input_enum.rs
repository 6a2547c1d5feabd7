//! category: control-flow
//! input: {"kind": "Refund", "amount_cents": 3000, "region": "eu"}
//! summary: branches with matches! and match guards on input fields only
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum TxKind {
    Purchase,
    Refund,
    Chargeback,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Transaction {
    pub kind: TxKind,
    pub amount_cents: u64,
    pub region: String,
}

#[durable_workflow]
pub async fn legit_route_transaction(ctx: DurableContext, t: Transaction) -> Result<String, DurableError> {
    let amount = t.amount_cents;
    let needs_review = matches!(t.kind, TxKind::Refund | TxKind::Chargeback) && amount > 2000;
    let desk = match t.kind {
        TxKind::Purchase => "sales",
        TxKind::Refund if t.region == "eu" => "refunds-eu",
        TxKind::Refund => "refunds",
        TxKind::Chargeback => "disputes",
    };
    if needs_review {
        ctx.step(format!("review-{desk}"), move |_| async move { Ok::<_, String>(amount) }).await?;
    }
    ctx.step(format!("post-{desk}"), move |_| async move { Ok::<_, String>(amount) }).await?;
    Ok(desk.to_owned())
}

fn main() {}
