//! category: clock
//! replay: diverges
//! input: {"cursor": 0, "total": 400}
//! summary: processes items in steps until a 2 ms Instant-based time budget runs out, so how many steps run depends on the clock
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{Duration as StdDuration, Instant};

#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    pub cursor: u32,
    pub total: u32,
}

#[derive(Debug, Serialize)]
pub struct Progress {
    pub next_cursor: u32,
    pub done: bool,
}

const BUDGET: StdDuration = StdDuration::from_millis(2);

#[durable_workflow]
pub async fn clock_budgeted_export(ctx: DurableContext, page: Page) -> Result<Progress, DurableError> {
    let deadline = Instant::now() + BUDGET;
    let mut cursor = page.cursor;
    while cursor < page.total && Instant::now() < deadline {
        let n = cursor;
        ctx.step(format!("export-{n}"), move |_| async move { Ok::<_, String>(n * 2) })
            .await?;
        cursor += 1;
    }
    Ok(Progress {
        next_cursor: cursor,
        done: cursor >= page.total,
    })
}

fn main() {}
