//! category: fs
//! replay: diverges
//! input: {"customer": "globex", "amount_cents": 99000}
//! summary: keeps the next invoice number in a local file (File::open + BufReader, then std::fs::write) and sends it in the invoke payload
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize)]
pub struct Billing {
    pub customer: String,
    pub amount_cents: u64,
}

#[derive(Debug, Serialize)]
pub struct InvoiceDraft {
    pub number: u64,
    pub customer: String,
    pub amount_cents: u64,
}

fn counter_path() -> PathBuf {
    std::env::temp_dir().join("durable-determinism-n047-invoice-counter")
}

fn next_invoice_number() -> u64 {
    let last = File::open(counter_path())
        .ok()
        .and_then(|f| BufReader::new(f).lines().next()?.ok())
        .and_then(|l| l.trim().parse::<u64>().ok())
        .unwrap_or(1000);
    let _ = std::fs::write(counter_path(), (last + 1).to_string());
    last + 1
}

#[durable_workflow]
pub async fn fs_issue_invoice(ctx: DurableContext, b: Billing) -> Result<u64, DurableError> {
    let draft = InvoiceDraft {
        number: next_invoice_number(),
        customer: b.customer.clone(),
        amount_cents: b.amount_cents,
    };
    let number = draft.number;
    let r: Result<serde_json::Value, DurableError> = ctx.invoke("render-invoice", "invoice-renderer", draft).await;
    if let Err(e) = r {
        if e.is_fatal() {
            return Err(e);
        }
    }
    Ok(number)
}

fn main() {}
