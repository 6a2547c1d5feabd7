//! category: clock
//! replay: diverges
//! input: {"queue": "returns", "items": ["r-1", "r-2"]}
//! summary: imports `SystemTime as Wall` inside the body and names a child context after the current microseconds ("ticket number")
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct ReturnsQueue {
    pub queue: String,
    pub items: Vec<String>,
}

#[durable_workflow]
pub async fn clock_ticketed_returns(ctx: DurableContext, q: ReturnsQueue) -> Result<String, DurableError> {
    use std::time::{SystemTime as Wall, UNIX_EPOCH};
    let ticket = Wall::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() % 100_000).unwrap_or(0);
    let items = q.items.clone();
    let handled: usize = ctx
        .run_in_child_context(format!("{}-ticket-{ticket}", q.queue), move |child| async move {
            for item in &items {
                let i = item.clone();
                child.step(format!("inspect-{item}"), move |_| async move { Ok::<_, String>(i) }).await?;
            }
            Ok(items.len())
        })
        .await?;
    Ok(format!("ticket {ticket}: {handled} items"))
}

fn main() {}
