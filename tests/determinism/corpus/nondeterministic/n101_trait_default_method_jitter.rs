//! category: trait-method
//! replay: diverges
//! input: {"service": "search", "max_backoff_secs": 120}
//! summary: a trait's default method `Backoff::jittered(&self)` uses fastrand; the body waits for the Duration it returns
use durable_runtime::prelude::*;
use serde::Deserialize;

pub trait Backoff {
    fn max_secs(&self) -> u64;

    fn jittered(&self) -> Duration {
        Duration::from_secs(1 + fastrand::u64(..self.max_secs().max(1)))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reindex {
    pub service: String,
    pub max_backoff_secs: u64,
}

impl Backoff for Reindex {
    fn max_secs(&self) -> u64 {
        self.max_backoff_secs
    }
}

#[durable_workflow]
pub async fn trait_reindex_after_backoff(ctx: DurableContext, r: Reindex) -> Result<String, DurableError> {
    ctx.wait("backoff", r.jittered()).await?;
    let service = r.service.clone();
    ctx.step("reindex", move |_| async move { Ok::<_, String>(service) }).await
}

fn main() {}
