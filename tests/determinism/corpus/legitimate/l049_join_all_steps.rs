//! category: combinators
//! input: {"campaign": "summer", "channels": ["email", "sms", "push", "in-app"]}
//! summary: futures::future::join_all over ctx.step futures created in order; results come back in input order
use durable_runtime::prelude::*;
use futures::future::join_all;
use serde::Deserialize;
use std::future::IntoFuture;

#[derive(Debug, Clone, Deserialize)]
pub struct Campaign {
    pub campaign: String,
    pub channels: Vec<String>,
}

#[durable_workflow]
pub async fn legit_launch_campaign(ctx: DurableContext, c: Campaign) -> Result<Vec<String>, DurableError> {
    let sends = c.channels.iter().map(|channel| {
        let tag = format!("{}@{channel}", c.campaign);
        ctx.step(format!("launch-{channel}"), move |_| async move { Ok::<_, String>(tag) })
            .into_future()
    });
    let results = join_all(sends).await;
    results.into_iter().collect()
}

fn main() {}
