//! category: hashmap-iteration
//! replay: diverges
//! input: {"digest_day": "2024-06-03", "pending": {"ana": 3, "ben": 1, "cleo": 7, "dev": 2, "eve": 5}}
//! summary: daily digest holds a struct whose HashMap field is drained with .drain() to send one notification step per user, in hash order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DigestInput {
    pub digest_day: String,
    pub pending: HashMap<String, u32>,
}

struct Outbox {
    pending: HashMap<String, u32>,
}

impl Outbox {
    fn new(pending: HashMap<String, u32>) -> Self {
        Outbox { pending }
    }
}

#[durable_workflow]
pub async fn hx_send_daily_digest(ctx: DurableContext, input: DigestInput) -> Result<Vec<String>, DurableError> {
    let day = input.digest_day.clone();
    ctx.step("render-digest-template", move |_| async move { Ok::<_, String>(format!("digest-{day}")) })
        .await?;

    let mut outbox = Outbox::new(input.pending.clone());
    let mut delivered = Vec::new();
    for (user, unread) in outbox.pending.drain() {
        let to = user.clone();
        let ok: bool = ctx
            .step(format!("notify-{user}"), move |_| async move { Ok::<_, String>(unread > 0 && !to.is_empty()) })
            .await?;
        if ok {
            delivered.push(user);
        }
    }
    Ok(delivered)
}

fn main() {}
