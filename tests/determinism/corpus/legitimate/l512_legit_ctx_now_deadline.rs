//! category: legit-ctx-now
//! input: {"contract_id": "ct-12", "signer": "mira", "sign_within_hours": 72, "reminder_after_hours": 24}
//! callback: contract-signature = {"signed": true}
//! summary: contract signing computes its deadline from ctx.now() and takes reminder and timeout durations from the input; the deadline is handed to the envelope step and the log
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::UNIX_EPOCH;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contract {
    pub contract_id: String,
    pub signer: String,
    pub sign_within_hours: u64,
    pub reminder_after_hours: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signature {
    pub signed: bool,
}

#[durable_workflow]
pub async fn hx_legit_contract_signing(ctx: DurableContext, contract: Contract) -> Result<String, DurableError> {
    let started = ctx.now().await?;
    let deadline = started + Duration::from_secs(contract.sign_within_hours * 3600);
    let deadline_s = deadline.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);

    ctx.logger().info(format!("{} must be signed by {deadline_s}", contract.contract_id));
    let (id, signer) = (contract.contract_id.clone(), contract.signer.clone());
    ctx.step("send-envelope", move |_| async move { Ok::<_, String>(format!("{id} -> {signer} before {deadline_s}")) })
        .await?;
    ctx.wait("reminder-delay", Duration::from_secs(contract.reminder_after_hours * 3600)).await?;
    let remaining = contract.sign_within_hours.saturating_sub(contract.reminder_after_hours).max(1);
    let signature: Signature = ctx
        .wait_for_callback("contract-signature", |callback_id, s| async move {
            s.logger.info(format!("reminder sent; signature callback {callback_id}"));
            Ok::<_, DurableError>(())
        })
        .timeout(Duration::from_secs(remaining * 3600))
        .await?;
    Ok(format!("{} signed={}", contract.contract_id, signature.signed))
}

fn main() {}
