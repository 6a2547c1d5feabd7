//! category: concurrency-select
//! replay: same
//! input: {"lead_id": "lead-812", "company": "Hooli", "domain": "hooli.test"}
//! summary: lead scoring spawns a tokio task that enriches the lead over HTTP (reqwest, a closed local port here) and bounds it with tokio::time::timeout(40 ms) in the body; whether enrichment arrived in time picks the scoring step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::time::timeout;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lead {
    pub lead_id: String,
    pub company: String,
    pub domain: String,
}

async fn enrich(domain: String) -> Option<u32> {
    let resp = reqwest::get(format!("http://127.0.0.1:9/enrich?domain={domain}")).await.ok()?;
    resp.text().await.ok()?.trim().parse().ok()
}

#[durable_workflow]
pub async fn hx_score_inbound_lead(ctx: DurableContext, lead: Lead) -> Result<String, DurableError> {
    let company = lead.company.clone();
    ctx.step("dedupe-lead", move |_| async move { Ok::<_, String>(company) }).await?;

    let background = tokio::spawn(enrich(lead.domain.clone()));
    let employees = match timeout(Duration::from_millis(40), background).await {
        Ok(Ok(Some(n))) => Some(n),
        _ => None,
    };
    let (step, score) = match employees {
        Some(n) if n > 1_000 => ("score-enterprise", 90),
        Some(_) => ("score-smb", 60),
        None => ("score-without-firmographics", 40),
    };
    let id = lead.lead_id.clone();
    ctx.step(step, move |_| async move { Ok::<_, String>(format!("{id}:{score}")) }).await?;
    Ok(step.to_owned())
}

fn main() {}
