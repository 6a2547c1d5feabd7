//! The order workflow of `examples/src/order.rs`, written against AWS's official Rust SDK
//! (`aws-durable-execution-sdk` 0.1.0) with the same durable operations, names, options and
//! stand-in services, as a Lambda function: the official SDK's side of the cold-start and
//! binary-size comparison in `bench/coldstart`.
//!
//! Operations, in order: step `validate-payment` (5 attempts, 1 s → 60 s, ×2, full jitter),
//! step `check-inventory`, when something is short `wait_for_callback` `restock-<id>`
//! (30 days), step `reserve-inventory` (at most once per attempt), `wait_for_callback`
//! `warehouse-<id>` (48 h), step `process-shipping`, step `send-confirmation`.

use std::time::Duration;

use aws_durable_execution_sdk as durable;
use durable::builders::{JitterStrategy, RetryStrategyConfig};
use durable::{BoxError, DurableContext, StepSemantics};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Item {
    sku: String,
    quantity: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Order {
    id: String,
    customer_id: String,
    items: Vec<Item>,
    card_token: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Payment {
    valid: bool,
    authorization: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Inventory {
    available: bool,
    missing: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct WarehouseConfirmation {
    confirmed: bool,
    #[serde(default)]
    dock: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Shipment {
    tracking_number: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct OrderOutcome {
    order_id: String,
    status: String,
    reason: Option<String>,
    tracking_number: Option<String>,
}

fn stock_of(sku: &str) -> u32 {
    match sku {
        "out-of-stock" => 0,
        _ => 10,
    }
}

async fn validate_payment(card_token: String) -> Result<Payment, BoxError> {
    Ok(if card_token.starts_with("valid") {
        Payment {
            valid: true,
            authorization: Some(format!("auth-{}", card_token.len())),
        }
    } else {
        Payment {
            valid: false,
            authorization: None,
        }
    })
}

async fn check_inventory(items: Vec<Item>) -> Result<Inventory, BoxError> {
    let missing: Vec<String> = items
        .iter()
        .filter(|i| i.quantity > stock_of(&i.sku))
        .map(|i| i.sku.clone())
        .collect();
    Ok(Inventory {
        available: missing.is_empty(),
        missing,
    })
}

async fn reserve_inventory(order_id: String, items: Vec<Item>) -> Result<bool, BoxError> {
    Ok(!order_id.is_empty() && !items.is_empty())
}

async fn process_shipping(order_id: String, dock: Option<String>) -> Result<Shipment, BoxError> {
    let dock = dock.unwrap_or_else(|| "A".into());
    Ok(Shipment {
        tracking_number: format!("TRK-{order_id}-{dock}"),
    })
}

async fn send_confirmation(customer_id: String, tracking_number: String) -> Result<String, BoxError> {
    Ok(format!("sent to {customer_id}: your parcel is {tracking_number}"))
}

async fn process_order(order: Order, ctx: DurableContext) -> Result<OrderOutcome, BoxError> {
    let failed = |reason: &str| OrderOutcome {
        order_id: order.id.clone(),
        status: "failed".into(),
        reason: Some(reason.into()),
        tracking_number: None,
    };
    let card_token = order.card_token.clone();
    let payment = ctx
        .step(move |_| validate_payment(card_token))
        .name("validate-payment")
        .retry_strategy_config(
            RetryStrategyConfig::builder()
                .max_attempts(5)
                .initial_delay(Duration::from_secs(1))
                .max_delay(Duration::from_secs(60))
                .backoff_rate(2.0)
                .jitter(JitterStrategy::Full)
                .build(),
        )
        .await?;
    if !payment.valid {
        return Ok(failed("payment validation failed"));
    }
    let items = order.items.clone();
    let inventory = ctx
        .step(move |_| check_inventory(items))
        .name("check-inventory")
        .await?;
    if !inventory.available {
        let missing = inventory.missing.join(",");
        let _restocked: serde_json::Value = ctx
            .wait_for_callback(move |_, callback_id: String| async move {
                tracing::info!("asked purchasing to restock {missing}; answer callback {callback_id}");
                Ok(())
            })
            .name(format!("restock-{}", order.id))
            .timeout(Duration::from_secs(30 * 24 * 3600))
            .await?;
    }
    let (order_id, items) = (order.id.clone(), order.items.clone());
    ctx.step(move |_| reserve_inventory(order_id, items))
        .name("reserve-inventory")
        .semantics(StepSemantics::AtMostOncePerRetry)
        .await?;
    let order_id = order.id.clone();
    let confirmation: WarehouseConfirmation = ctx
        .wait_for_callback(move |_, callback_id: String| async move {
            tracing::info!("notified the warehouse about {order_id}; answer callback {callback_id}");
            Ok(())
        })
        .name(format!("warehouse-{}", order.id))
        .timeout(Duration::from_secs(48 * 3600))
        .await?;
    if !confirmation.confirmed {
        return Ok(failed("the warehouse declined the order"));
    }
    let (order_id, dock) = (order.id.clone(), confirmation.dock);
    let shipment = ctx
        .step(move |_| process_shipping(order_id, dock))
        .name("process-shipping")
        .await?;
    let (customer_id, tracking_number) = (order.customer_id.clone(), shipment.tracking_number.clone());
    ctx.step(move |_| send_confirmation(customer_id, tracking_number))
        .name("send-confirmation")
        .await?;
    Ok(OrderOutcome {
        order_id: order.id.clone(),
        status: "completed".into(),
        reason: None,
        tracking_number: Some(shipment.tracking_number),
    })
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    durable::run(process_order).await
}
