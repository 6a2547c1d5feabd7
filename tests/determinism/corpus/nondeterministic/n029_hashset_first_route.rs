//! category: hashmap-iteration
//! replay: diverges
//! input: {"ticket": 7, "tags": ["billing", "urgent", "api", "mobile", "enterprise", "billing"]}
//! summary: dedups tags into a HashSet and routes the ticket to the queue of `.iter().next()`
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashSet;

#[derive(Debug, Clone, Deserialize)]
pub struct TaggedTicket {
    pub ticket: u64,
    pub tags: Vec<String>,
}

#[durable_workflow]
pub async fn hashset_route_ticket(ctx: DurableContext, t: TaggedTicket) -> Result<String, DurableError> {
    let tags: HashSet<String> = t.tags.iter().cloned().collect();
    let queue = tags.iter().next().cloned().unwrap_or_else(|| "general".to_owned());
    let ticket = t.ticket;
    ctx.step(format!("enqueue-{queue}"), move |_| async move { Ok::<_, String>(ticket) })
        .await?;
    Ok(queue)
}

fn main() {}
