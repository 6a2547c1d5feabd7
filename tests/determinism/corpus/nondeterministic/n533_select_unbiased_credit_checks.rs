//! category: concurrency-select
//! replay: diverges
//! input: {"applicant": "app-902", "requested_cents": 1500000}
//! summary: loan pre-approval races two bureau checks with an unbiased tokio::select!; both are ready at once, so the branch that wins (and the result) is chosen at random by the macro
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoanApplication {
    pub applicant: String,
    pub requested_cents: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PreApproval {
    pub bureau: String,
    pub score: u32,
    pub approved: bool,
}

#[durable_workflow]
pub async fn hx_loan_preapproval(ctx: DurableContext, app: LoanApplication) -> Result<PreApproval, DurableError> {
    let (a1, a2) = (app.applicant.clone(), app.applicant.clone());
    let equifax = ctx.step("bureau-equifax", move |_| async move { Ok::<_, String>(a1.len() as u32 * 70) });
    let experian = ctx.step("bureau-experian", move |_| async move { Ok::<_, String>(a2.len() as u32 * 71) });

    let (bureau, score) = tokio::select! {
        s = equifax => ("equifax", s?),
        s = experian => ("experian", s?),
    };
    let approved = score > 600 && app.requested_cents < 5_000_000;
    let applicant = app.applicant.clone();
    ctx.step(format!("record-decision-{bureau}"), move |_| async move {
        Ok::<_, String>(format!("{applicant}: {approved}"))
    })
    .await?;
    Ok(PreApproval { bureau: bureau.to_owned(), score, approved })
}

fn main() {}
