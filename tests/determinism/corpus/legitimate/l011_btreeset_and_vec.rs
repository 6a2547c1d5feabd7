//! category: ordered-collections
//! input: {"ticket": 7, "tags": ["billing", "urgent", "api", "mobile", "enterprise", "billing"]}
//! summary: dedups tags into a BTreeSet and a sorted, deduped Vec, and routes by the smallest tag
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Deserialize)]
pub struct TaggedTicket {
    pub ticket: u64,
    pub tags: Vec<String>,
}

#[durable_workflow]
pub async fn legit_route_by_tags(ctx: DurableContext, t: TaggedTicket) -> Result<Vec<String>, DurableError> {
    let tags: BTreeSet<String> = t.tags.iter().cloned().collect();
    let queue = tags.iter().next().cloned().unwrap_or_else(|| "general".to_owned());
    let ticket = t.ticket;
    ctx.step(format!("enqueue-{queue}"), move |_| async move { Ok::<_, String>(ticket) })
        .await?;
    let mut labels = t.tags.clone();
    labels.sort_unstable();
    labels.dedup();
    for (i, label) in labels.iter().enumerate() {
        let l = label.clone();
        ctx.step(format!("label-{i}-{label}"), move |_| async move { Ok::<_, String>(l) }).await?;
    }
    Ok(labels)
}

fn main() {}
