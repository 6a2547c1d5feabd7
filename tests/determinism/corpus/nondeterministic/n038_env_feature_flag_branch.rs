//! category: env
//! replay: same
//! input: {"cart_id": "c-5", "total_cents": 18000}
//! summary: branches on `env::var("NEW_PRICING").is_ok()` (module imported) to pick the pricing step; the variable does not change within a process
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::env;

#[derive(Debug, Clone, Deserialize)]
pub struct CartTotal {
    pub cart_id: String,
    pub total_cents: u64,
}

#[durable_workflow]
pub async fn env_price_cart(ctx: DurableContext, c: CartTotal) -> Result<u64, DurableError> {
    let total = c.total_cents;
    if env::var("NEW_PRICING").is_ok() {
        ctx.step("price-v2", move |_| async move { Ok::<_, String>(total * 95 / 100) })
            .await
    } else {
        ctx.step("price-v1", move |_| async move { Ok::<_, String>(total) })
            .await
    }
}

fn main() {}
