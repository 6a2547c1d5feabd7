//! category: clock
//! replay: diverges
//! input: {"cart_id": "cart-881", "customer_email": "ana@example.com", "items": 3}
//! summary: abandoned-cart reminder spreads its wait over ten minutes using SystemTime::now().subsec_nanos() to avoid a thundering herd; the wait duration differs per run
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AbandonedCart {
    pub cart_id: String,
    pub customer_email: String,
    pub items: u32,
}

const BASE_DELAY: Duration = Duration::from_secs(3600);

/// Spread reminders so a marketing blast does not hit the mail relay at once.
fn spread() -> Duration {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    Duration::from_secs(u64::from(now.subsec_nanos() % 600))
}

#[durable_workflow]
pub async fn hx_abandoned_cart_reminder(ctx: DurableContext, cart: AbandonedCart) -> Result<String, DurableError> {
    let cart_id = cart.cart_id.clone();
    let still_open: bool = ctx
        .step("check-cart-open", move |_| async move { Ok::<_, String>(!cart_id.is_empty()) })
        .await?;
    if !still_open {
        return Ok("cart already checked out".into());
    }
    ctx.wait("reminder-delay", BASE_DELAY + spread()).await?;
    let email = cart.customer_email.clone();
    let items = cart.items;
    let sent: String = ctx
        .step("send-reminder", move |_| async move {
            Ok::<_, String>(format!("reminded {email} about {items} items"))
        })
        .await?;
    Ok(sent)
}

fn main() {}
