//! category: global-state
//! replay: diverges
//! input: {"customer": "soylent", "amount_cents": 700}
//! summary: numbers invoices from a module-level static AtomicU64 incremented in the body; every run gets the next number
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_INVOICE: AtomicU64 = AtomicU64::new(1);

#[derive(Debug, Clone, Deserialize)]
pub struct Charge {
    pub customer: String,
    pub amount_cents: u64,
}

#[derive(Debug, Serialize)]
pub struct Issued {
    pub number: u64,
    pub customer: String,
}

#[durable_workflow]
pub async fn global_issue_invoice(ctx: DurableContext, c: Charge) -> Result<Issued, DurableError> {
    let number = NEXT_INVOICE.fetch_add(1, Ordering::SeqCst);
    let amount = c.amount_cents;
    ctx.step(format!("book-invoice-{number}"), move |_| async move { Ok::<_, String>(amount) })
        .await?;
    Ok(Issued {
        number,
        customer: c.customer,
    })
}

fn main() {}
