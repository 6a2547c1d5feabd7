//! category: clock
//! replay: diverges
//! input: {"order_id": 7, "items": ["a", "b"]}
//! summary: names the archive step after SystemTime::now() nanoseconds read in the workflow body
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Order {
    pub order_id: u64,
    pub items: Vec<String>,
}

#[durable_workflow]
pub async fn clock_archive_order(ctx: DurableContext, order: Order) -> Result<String, DurableError> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let count = order.items.len();
    let archived: String = ctx
        .step(format!("archive-{}-{stamp}", order.order_id), move |_| async move {
            Ok::<_, String>(format!("{count} items archived"))
        })
        .await?;
    Ok(archived)
}

fn main() {}
