//! category: sleeping
//! replay: diverges
//! input: {"document": "annual-report", "pages": 400}
//! summary: renders pages (spawn_blocking, ~100 µs each) under a 3 ms tokio::time::timeout budget and queues the rest; how many pages fit decides the step names
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::time::Duration as StdDuration;

#[derive(Debug, Clone, Deserialize)]
pub struct RenderJob {
    pub document: String,
    pub pages: u32,
}

fn render_page(page: u32) -> u32 {
    std::thread::sleep(StdDuration::from_micros(100));
    page
}

#[durable_workflow]
pub async fn sleep_render_with_budget(ctx: DurableContext, job: RenderJob) -> Result<u32, DurableError> {
    let mut rendered = 0u32;
    let budget = tokio::time::timeout(StdDuration::from_millis(3), async {
        for page in 0..job.pages {
            if tokio::task::spawn_blocking(move || render_page(page)).await.is_err() {
                break;
            }
            rendered += 1;
        }
    })
    .await;
    let doc = job.document.clone();
    if budget.is_err() {
        ctx.step(format!("queue-{doc}-from-page-{rendered}"), move |_| async move { Ok::<_, String>(doc) })
            .await?;
    } else {
        ctx.step(format!("publish-{doc}"), move |_| async move { Ok::<_, String>(doc) }).await?;
    }
    Ok(rendered)
}

fn main() {}
