//! "Migrating from Step Functions": the seed's two-task state machine as a workflow.
//!
//! ```text
//! {
//!   "Comment": "Order processing workflow",
//!   "StartAt": "ValidatePayment",
//!   "States": {
//!     "ValidatePayment": { "Type": "Task", "Resource": "arn:...:function:validate-payment", "Next": "CheckInventory" },
//!     "CheckInventory":  { "Type": "Task", "Resource": "arn:...:function:check-inventory",  "Next": "ProcessOrder" }
//!   }
//! }
//! ```
//!
//! Each `Task` state becomes a `#[step]` (its `Retry` block becomes the step's retry policy),
//! `Next` becomes the next line of code, and the data passed between states becomes ordinary
//! variables. A `Choice` state would be an `if`, a `Wait` state `ctx.wait`, a `Map` state
//! `ctx.map`, a `Parallel` state `ctx.parallel`, and a task token `ctx.wait_for_callback`.

use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

/// The state machine's input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MigratedOrder {
    /// Order id.
    pub order_id: String,
    /// The card token.
    pub payment_info: String,
    /// SKUs.
    pub items: Vec<String>,
}

/// `ValidatePayment`'s output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentCheck {
    /// Accepted?
    pub valid: bool,
}

/// `CheckInventory`'s output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InventoryCheck {
    /// All in stock?
    pub available: bool,
    /// Items reserved.
    pub reserved: usize,
}

/// The workflow's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessedOrder {
    /// Order id.
    pub order_id: String,
    /// `processed` or `rejected`.
    pub status: String,
}

/// Was the `validate-payment` Lambda function; `Retry: [{ErrorEquals: [States.TaskFailed],
/// MaxAttempts: 3, IntervalSeconds: 1, BackoffRate: 2}]` becomes the retry policy.
#[step(
    name = "validate-payment",
    retry(max_attempts = 3, initial = "1s", backoff = 2.0, jitter = "none")
)]
pub async fn validate_payment(payment_info: String) -> Result<PaymentCheck, String> {
    Ok(PaymentCheck {
        valid: !payment_info.is_empty() && payment_info != "expired-card",
    })
}

/// Was the `check-inventory` Lambda function.
#[step(name = "check-inventory")]
pub async fn check_inventory(items: Vec<String>) -> Result<InventoryCheck, String> {
    Ok(InventoryCheck {
        available: items.iter().all(|i| i != "discontinued"),
        reserved: items.len(),
    })
}

/// The state the JSON never spelled out: combine both results.
#[step(name = "process-order")]
pub async fn process_order_step(
    order_id: String,
    payment: PaymentCheck,
    inventory: InventoryCheck,
) -> Result<ProcessedOrder, String> {
    let ok = payment.valid && inventory.available;
    Ok(ProcessedOrder {
        order_id,
        status: if ok { "processed" } else { "rejected" }.into(),
    })
}

/// `StartAt: ValidatePayment → CheckInventory → ProcessOrder`, as code.
#[durable_workflow(name = "migrated-order-workflow")]
pub async fn order_workflow(
    ctx: DurableContext,
    event: MigratedOrder,
) -> Result<ProcessedOrder, DurableError> {
    let payment = ctx.run(validate_payment(event.payment_info.clone())).await?;
    let inventory = ctx.run(check_inventory(event.items.clone())).await?;
    ctx.run(process_order_step(event.order_id.clone(), payment, inventory))
        .await
}
