//! category: fs
//! replay: diverges
//! input: {"merchant": "m-19", "amount_cents": 3100, "reference": "pos-88"}
//! summary: payout appends a line to a local ledger file with tokio::fs in the body and derives the payout's sequence number from the file's line count; the sequence names the transfer step and is returned
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payout {
    pub merchant: String,
    pub amount_cents: u64,
    pub reference: String,
}

#[durable_workflow]
pub async fn hx_merchant_payout(ctx: DurableContext, payout: Payout) -> Result<String, DurableError> {
    let merchant = payout.merchant.clone();
    let verified: bool = ctx
        .step("verify-bank-account", move |_| async move { Ok::<_, String>(merchant.starts_with("m-")) })
        .await?;
    if !verified {
        return Ok("held".into());
    }

    let ledger = std::env::temp_dir().join("hx_durable_corpus_payout_ledger.log");
    if let Ok(mut file) = tokio::fs::OpenOptions::new().create(true).append(true).open(&ledger).await {
        let _ = file
            .write_all(format!("{} {} {}\n", payout.merchant, payout.amount_cents, payout.reference).as_bytes())
            .await;
    }
    let sequence = tokio::fs::read_to_string(&ledger).await.map(|s| s.lines().count()).unwrap_or(0);

    let amount = payout.amount_cents;
    let transfer: String = ctx
        .step(format!("transfer-{sequence:06}"), move |_| async move { Ok::<_, String>(format!("tr-{amount}")) })
        .await?;
    Ok(format!("{transfer} (#{sequence})"))
}

fn main() {}
