//! The seed's e-commerce order workflow: validate the payment, check inventory (waiting for
//! a restock callback when something is out of stock), reserve it, wait for the warehouse to
//! confirm, ship, and notify the customer.
//!
//! The "services" are small in-process stand-ins so the example runs anywhere; each is called
//! from a `#[step]`, so it runs once and its result is checkpointed.

use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

/// One line of an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stock-keeping unit.
    pub sku: String,
    /// How many.
    pub quantity: u32,
}

/// An order, as the shop submits it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Order id (`order-123`).
    pub id: String,
    /// Who ordered.
    pub customer_id: String,
    /// What.
    pub items: Vec<Item>,
    /// The card token to charge.
    pub card_token: String,
}

/// The outcome of payment validation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// Whether the card was accepted.
    pub valid: bool,
    /// The authorization code.
    pub authorization: Option<String>,
}

/// The outcome of an inventory check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    /// Whether everything is in stock.
    pub available: bool,
    /// SKUs that are short.
    pub missing: Vec<String>,
}

/// The warehouse's answer to the confirmation callback.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WarehouseConfirmation {
    /// Whether the warehouse will ship.
    pub confirmed: bool,
    /// Which dock packs it.
    #[serde(default)]
    pub dock: Option<String>,
}

/// The shipment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shipment {
    /// Carrier tracking number.
    pub tracking_number: String,
}

/// What the workflow returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderOutcome {
    /// The order.
    pub order_id: String,
    /// `completed` or `failed`.
    pub status: String,
    /// Why it failed, if it did.
    pub reason: Option<String>,
    /// Tracking number, once shipped.
    pub tracking_number: Option<String>,
}

/// Stock levels of the stand-in inventory service.
pub fn stock_of(sku: &str) -> u32 {
    match sku {
        "out-of-stock" => 0,
        _ => 10,
    }
}

/// Calls the payment service (retried with exponential backoff: payment APIs are flaky).
#[step(
    name = "validate-payment",
    retry(max_attempts = 5, initial = "1s", max = "60s", backoff = 2.0, jitter = "full")
)]
pub async fn validate_payment(card_token: String) -> Result<Payment, String> {
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

/// Asks the inventory service whether every item is in stock.
#[step(name = "check-inventory")]
pub async fn check_inventory(items: Vec<Item>) -> Result<Inventory, String> {
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

/// Reserves the items (at most once per attempt: a reservation must not be doubled).
#[step(name = "reserve-inventory", semantics = "at_most_once")]
pub async fn reserve_inventory(order_id: String, items: Vec<Item>) -> Result<bool, String> {
    Ok(!order_id.is_empty() && !items.is_empty())
}

/// Books the carrier.
#[step(name = "process-shipping")]
pub async fn process_shipping(order_id: String, dock: Option<String>) -> Result<Shipment, String> {
    let dock = dock.unwrap_or_else(|| "A".into());
    Ok(Shipment {
        tracking_number: format!("TRK-{order_id}-{dock}"),
    })
}

/// Emails the customer.
#[step(name = "send-confirmation")]
pub async fn send_confirmation(customer_id: String, tracking_number: String) -> Result<String, String> {
    Ok(format!("sent to {customer_id}: your parcel is {tracking_number}"))
}

/// The name of the restock callback of an order.
pub fn restock_callback(order: &Order) -> String {
    format!("restock-{}", order.id)
}

/// The name of the warehouse callback of an order.
pub fn warehouse_callback(order: &Order) -> String {
    format!("warehouse-{}", order.id)
}

/// Processes one order end to end.
#[durable_workflow(name = "process-order")]
pub async fn process_order(ctx: DurableContext, order: Order) -> Result<OrderOutcome, DurableError> {
    let failed = |reason: &str| OrderOutcome {
        order_id: order.id.clone(),
        status: "failed".into(),
        reason: Some(reason.into()),
        tracking_number: None,
    };
    let payment = ctx.run(validate_payment(order.card_token.clone())).await?;
    if !payment.valid {
        return Ok(failed("payment validation failed"));
    }
    let inventory = ctx.run(check_inventory(order.items.clone())).await?;
    if !inventory.available {
        // Nothing runs while we wait for the restock: the execution is suspended.
        let missing = inventory.missing.join(",");
        let _restocked: serde_json::Value = ctx
            .wait_for_callback(
                restock_callback(&order),
                move |callback_id: String, s| async move {
                    s.logger.info(format!(
                        "asked purchasing to restock {missing}; answer callback {callback_id}"
                    ));
                    Ok::<_, DurableError>(())
                },
            )
            .timeout(Duration::from_secs(30 * 24 * 3600))
            .await?;
    }
    ctx.run(reserve_inventory(order.id.clone(), order.items.clone()))
        .await?;
    let order_id = order.id.clone();
    let confirmation: WarehouseConfirmation = ctx
        .wait_for_callback(
            warehouse_callback(&order),
            move |callback_id: String, s| async move {
                s.logger.info(format!(
                    "notified the warehouse about {order_id}; answer callback {callback_id}"
                ));
                Ok::<_, DurableError>(())
            },
        )
        .timeout(Duration::from_secs(48 * 3600))
        .await?;
    if !confirmation.confirmed {
        return Ok(failed("the warehouse declined the order"));
    }
    let shipment = ctx
        .run(process_shipping(order.id.clone(), confirmation.dock))
        .await?;
    ctx.run(send_confirmation(
        order.customer_id.clone(),
        shipment.tracking_number.clone(),
    ))
    .await?;
    Ok(OrderOutcome {
        order_id: order.id.clone(),
        status: "completed".into(),
        reason: None,
        tracking_number: Some(shipment.tracking_number),
    })
}
