//! category: helper-fn
//! replay: diverges
//! input: {"feed": "prices", "polls": 3}
//! summary: an async helper `next_poll_delay().await` returns a randomized Duration used for the durable wait between polls
use durable_runtime::prelude::*;
use rand::Rng;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct FeedPoll {
    pub feed: String,
    pub polls: u32,
}

async fn next_poll_delay() -> Duration {
    let secs = rand::rng().random_range(30..=90);
    Duration::from_secs(secs)
}

#[durable_workflow]
pub async fn helper_poll_feed(ctx: DurableContext, f: FeedPoll) -> Result<u32, DurableError> {
    for i in 0..f.polls {
        let feed = f.feed.clone();
        ctx.step(format!("poll-{i}"), move |_| async move { Ok::<_, String>(feed) }).await?;
        ctx.wait(format!("pause-{i}"), next_poll_delay().await).await?;
    }
    Ok(f.polls)
}

fn main() {}
