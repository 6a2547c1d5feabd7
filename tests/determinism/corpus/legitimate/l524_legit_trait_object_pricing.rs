//! category: legit-trait-object
//! input: {"cart_id": "c-8", "subtotal_cents": 12000, "coupon": "SPRING10", "loyalty_years": 3}
//! summary: checkout applies a Vec<Box<dyn PricingRule>> of pure discount rules (no clock, no randomness) before the charge step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cart {
    pub cart_id: String,
    pub subtotal_cents: u64,
    pub coupon: Option<String>,
    pub loyalty_years: u32,
}

trait PricingRule: Send + Sync {
    fn name(&self) -> &'static str;
    fn discount(&self, cart: &Cart, running: u64) -> u64;
}

struct Coupon;
struct Loyalty;

impl PricingRule for Coupon {
    fn name(&self) -> &'static str {
        "coupon"
    }
    fn discount(&self, cart: &Cart, running: u64) -> u64 {
        match cart.coupon.as_deref() {
            Some("SPRING10") => running / 10,
            _ => 0,
        }
    }
}

impl PricingRule for Loyalty {
    fn name(&self) -> &'static str {
        "loyalty"
    }
    fn discount(&self, cart: &Cart, running: u64) -> u64 {
        running * u64::from(cart.loyalty_years.min(5)) / 100
    }
}

#[durable_workflow]
pub async fn hx_legit_price_cart(ctx: DurableContext, cart: Cart) -> Result<u64, DurableError> {
    let rules: Vec<Box<dyn PricingRule>> = vec![Box::new(Coupon), Box::new(Loyalty)];
    let mut total = cart.subtotal_cents;
    let mut applied = Vec::new();
    for rule in &rules {
        let d = rule.discount(&cart, total);
        if d > 0 {
            total -= d;
            applied.push(rule.name());
        }
    }
    let id = cart.cart_id.clone();
    ctx.step(format!("charge-{}", applied.join("+")), move |_| async move { Ok::<_, String>(format!("{id}:{total}")) })
        .await?;
    Ok(total)
}

fn main() {}
