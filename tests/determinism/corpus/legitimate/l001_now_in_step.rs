//! category: clock-in-step
//! input: {"order_id": 7, "items": ["a", "b"]}
//! summary: reads SystemTime::now() inside the step closure and returns the recorded value
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Order {
    pub order_id: u64,
    pub items: Vec<String>,
}

#[durable_workflow]
pub async fn legit_stamp_order(ctx: DurableContext, order: Order) -> Result<String, DurableError> {
    let received_at: u128 = ctx
        .step("record-received-at", |_| async {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?;
            Ok::<_, String>(now.as_millis())
        })
        .await?;
    Ok(format!("order {} received at {received_at}", order.order_id))
}

fn main() {}
