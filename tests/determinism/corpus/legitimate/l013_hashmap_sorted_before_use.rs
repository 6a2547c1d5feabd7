//! category: hashmap-sorted
//! input: {"recipients": {"ana": "email", "bo": "sms", "chen": "push", "dee": "email", "eli": "sms"}}
//! summary: iterates a HashMap only after sorting its entries (collect into Vec, sort), then notifies in that order
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Broadcast {
    pub recipients: HashMap<String, String>,
}

#[durable_workflow]
pub async fn legit_sorted_broadcast(ctx: DurableContext, b: Broadcast) -> Result<Vec<String>, DurableError> {
    let mut entries: Vec<(&String, &String)> = b.recipients.iter().collect();
    entries.sort();
    let mut sent = Vec::new();
    for (who, channel) in entries {
        let w = who.clone();
        ctx.step(format!("send-{channel}-{who}"), move |_| async move { Ok::<_, String>(w) })
            .await?;
        sent.push(who.clone());
    }
    let mut skipped: Vec<_> = b.recipients.keys().filter(|k| !sent.contains(k)).cloned().collect();
    skipped.sort_unstable();
    ctx.logger().info(format!("skipped: {skipped:?}"));
    Ok(sent)
}

fn main() {}
