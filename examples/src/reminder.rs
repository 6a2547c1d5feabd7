//! The seed's first workflow, and the replay model in miniature: create an order, wait 24
//! hours, send a reminder.
//!
//! ```text
//! invocation 1: create-order (runs, checkpointed) → wait 24 h (suspends: no compute)
//! invocation 2: create-order (replayed from the checkpoint) → wait (done) → send-reminder (runs)
//! ```
//!
//! The wait lasts `reminder_after_seconds` (24 h unless the input says otherwise, so the local
//! runner can use a couple of seconds).

use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

/// What the shop sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReminderInput {
    /// Who orders.
    pub customer_id: String,
    /// What, by SKU.
    pub items: Vec<String>,
    /// How long to wait before the reminder (default: 24 hours).
    #[serde(default = "one_day")]
    pub reminder_after_seconds: u64,
}

fn one_day() -> u64 {
    24 * 3600
}

/// The order the stand-in order service created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedOrder {
    /// Order id, derived from the customer and the items.
    pub id: String,
    /// The customer to remind.
    pub customer_id: String,
}

/// What the workflow returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReminderOutcome {
    /// The order.
    pub order_id: String,
    /// Always `completed`.
    pub status: String,
    /// What the notification service answered.
    pub notification: String,
}

/// The stand-in order service: a deterministic id from the customer and the items.
pub fn create_order_id(customer_id: &str, items: &[String]) -> String {
    let checksum = items
        .iter()
        .flat_map(|s| s.bytes())
        .fold(7u32, |acc, b| acc.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("ord-{customer_id}-{:04}", checksum % 10_000)
}

/// Creates the order (runs once; every later invocation reads its checkpoint).
#[step(name = "create-order")]
pub async fn create_order(customer_id: String, items: Vec<String>) -> Result<CreatedOrder, String> {
    if items.is_empty() {
        return Err("an order needs at least one item".into());
    }
    Ok(CreatedOrder {
        id: create_order_id(&customer_id, &items),
        customer_id,
    })
}

/// Emails the reminder.
#[step(name = "send-reminder")]
pub async fn send_reminder(customer_id: String, order_id: String) -> Result<String, String> {
    Ok(format!("reminded {customer_id} about {order_id}"))
}

/// Create the order, wait, remind.
#[durable_workflow(name = "order-reminder")]
pub async fn order_reminder(
    ctx: DurableContext,
    input: ReminderInput,
) -> Result<ReminderOutcome, DurableError> {
    let order = ctx
        .run(create_order(input.customer_id.clone(), input.items.clone()))
        .await?;
    // The invocation ends here; the service re-invokes the function when the timer fires.
    ctx.wait("wait-24h", Duration::from_secs(input.reminder_after_seconds))
        .await?;
    let notification = ctx
        .run(send_reminder(order.customer_id.clone(), order.id.clone()))
        .await?;
    Ok(ReminderOutcome {
        order_id: order.id,
        status: "completed".into(),
        notification,
    })
}
