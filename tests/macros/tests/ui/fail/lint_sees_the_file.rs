//! The lint reads the workflow's own file: file-level imports and aliases resolve, helper fns
//! and methods the body runs are linted (reported at the call), struct fields' types and
//! statics' types are known.
use durable_runtime::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime as Clock;

static RUNS: AtomicU64 = AtomicU64::new(0);

#[derive(serde::Deserialize)]
struct Order {
    lines: HashMap<String, u32>,
}

fn deadline_secs() -> u64 {
    Clock::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600
}

struct Ids;
impl Ids {
    fn next(&self) -> String {
        format!("id-{}", RUNS.load(Ordering::SeqCst))
    }
}

#[durable_workflow]
async fn checkout(ctx: DurableContext, order: Order) -> Result<u64, DurableError> {
    let started = Clock::now();
    let due = deadline_secs();
    let id = Ids.next();
    for (sku, qty) in &order.lines {
        let qty = *qty;
        ctx.step(format!("{id}-{sku}"), move |_| async move { Ok::<_, String>(qty) }).await?;
    }
    let _ = started;
    Ok(due)
}

fn main() {}
