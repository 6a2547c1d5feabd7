//! category: hashmap-iteration
//! replay: diverges
//! input: {"recipients": {"ana": "email", "bo": "sms", "chen": "push", "dee": "email", "eli": "sms"}}
//! summary: turns a HashMap into ctx.map items with .into_iter().collect(), so item order (and each item's name and input) varies
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Broadcast {
    pub recipients: HashMap<String, String>,
}

#[durable_workflow]
pub async fn hashmap_broadcast(ctx: DurableContext, b: Broadcast) -> Result<Vec<String>, DurableError> {
    let items: Vec<(String, String)> = b.recipients.into_iter().collect();
    let batch = ctx
        .map("notify", items, |c: DurableContext, (who, channel): (String, String), _| async move {
            c.step(format!("send-{channel}"), move |_| async move { Ok::<_, String>(who) })
                .await
        })
        .item_namer(|(who, _): &(String, String), i| format!("{i}-{who}"))
        .await?;
    Ok(batch.into_results())
}

fn main() {}
