//! category: clock
//! replay: diverges
//! input: {"account_id": "acct-42", "usage": [{"meter": "api-calls", "units": 1200}, {"meter": "storage-gb", "units": 35}, {"meter": "egress-gb", "units": 4}]}
//! summary: monthly billing run numbers the invoice from chrono::Utc::now() (microsecond format) read in the body; the number names the render and email steps and is returned
use chrono::Utc;
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsageLine {
    pub meter: String,
    pub units: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BillingRun {
    pub account_id: String,
    pub usage: Vec<UsageLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invoice {
    pub number: String,
    pub total_cents: u64,
    pub pdf_key: String,
    pub emailed: bool,
}

fn unit_price_cents(meter: &str) -> u64 {
    match meter {
        "api-calls" => 2,
        "storage-gb" => 23,
        "egress-gb" => 9,
        _ => 10,
    }
}

#[durable_workflow]
pub async fn hx_issue_monthly_invoice(ctx: DurableContext, run: BillingRun) -> Result<Invoice, DurableError> {
    let lines = run.usage.clone();
    let total_cents: u64 = ctx
        .step("rate-usage", move |_| async move {
            Ok::<_, String>(lines.iter().map(|l| l.units * unit_price_cents(&l.meter)).sum())
        })
        .await?;

    let issued_at = Utc::now();
    let number = format!("INV-{}-{}", issued_at.format("%Y%m%d-%H%M%S%.6f"), run.account_id);

    let key_number = number.clone();
    let pdf_key: String = ctx
        .step(format!("render-pdf-{number}"), move |_| async move {
            Ok::<_, String>(format!("invoices/{key_number}.pdf"))
        })
        .await?;
    ctx.wait("grace-before-email", Duration::from_secs(15 * 60)).await?;
    let attachment = pdf_key.clone();
    let emailed: bool = ctx
        .step(format!("email-{number}"), move |_| async move { Ok::<_, String>(!attachment.is_empty()) })
        .await?;
    Ok(Invoice {
        number,
        total_cents,
        pdf_key,
        emailed,
    })
}

fn main() {}
