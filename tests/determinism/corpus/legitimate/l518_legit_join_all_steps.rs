//! category: legit-join
//! input: {"campaign": "summer", "channels": ["email", "sms", "push", "in-app"]}
//! summary: campaign launch schedules one step per channel and awaits them with futures::future::join_all, whose output keeps input order; the counts are summed
use durable_runtime::prelude::*;
use futures::future::join_all;
use serde::{Deserialize, Serialize};
use std::future::IntoFuture;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Launch {
    pub campaign: String,
    pub channels: Vec<String>,
}

#[durable_workflow]
pub async fn hx_legit_launch_campaign(ctx: DurableContext, launch: Launch) -> Result<Vec<String>, DurableError> {
    let sends = launch.channels.iter().map(|channel| {
        let (c, campaign) = (channel.clone(), launch.campaign.clone());
        ctx.step(format!("schedule-{channel}"), move |_| async move { Ok::<_, String>(format!("{campaign}@{c}")) })
            .into_future()
    });
    let scheduled: Vec<String> = join_all(sends).await.into_iter().collect::<Result<_, _>>()?;
    ctx.wait("launch-window", Duration::from_secs(3600)).await?;
    let n = scheduled.len();
    ctx.step("report-launch", move |_| async move { Ok::<_, String>(n) }).await?;
    Ok(scheduled)
}

fn main() {}
