//! category: randomness
//! replay: diverges
//! input: {"incident_id": "INC-552", "severity": 2, "on_call": ["amir", "bea", "chen", "dana", "eli"]}
//! summary: incident paging shuffles the on-call list with fastrand::shuffle "to spread the load", so the page steps are created in a different order each run
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Incident {
    pub incident_id: String,
    pub severity: u8,
    pub on_call: Vec<String>,
}

#[durable_workflow]
pub async fn hx_page_on_call_rotation(ctx: DurableContext, incident: Incident) -> Result<Vec<String>, DurableError> {
    let mut responders = incident.on_call.clone();
    fastrand::shuffle(&mut responders);

    let mut paged = Vec::new();
    for responder in responders.iter().take(if incident.severity <= 2 { 5 } else { 2 }) {
        let (who, id) = (responder.clone(), incident.incident_id.clone());
        let ack: bool = ctx
            .step(format!("page-{responder}"), move |_| async move {
                Ok::<_, String>(!who.is_empty() && id.starts_with("INC"))
            })
            .await?;
        if ack {
            paged.push(responder.clone());
        }
    }
    ctx.wait("escalation-window", Duration::from_secs(300)).await?;
    let id = incident.incident_id.clone();
    let count = paged.len();
    ctx.step("post-status-page", move |_| async move {
        Ok::<_, String>(format!("{id}: {count} responders paged"))
    })
    .await?;
    Ok(paged)
}

fn main() {}
