//! category: trait-method
//! replay: diverges
//! input: {"quote_id": "q-718", "customer": "initech", "valid_hours": 48}
//! summary: quote workflow takes a Box<dyn Clock> (SystemClock in production) and computes the quote's expiry from clock.now_millis() in the body; the expiry names the publish step and is returned
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuoteRequest {
    pub quote_id: String,
    pub customer: String,
    pub valid_hours: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedQuote {
    pub quote_id: String,
    pub expires_at_micros: u128,
}

trait Clock: Send + Sync {
    fn now_micros(&self) -> u128;
}

struct SystemClock;

impl Clock for SystemClock {
    fn now_micros(&self) -> u128 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or(0)
    }
}

fn default_clock() -> Box<dyn Clock> {
    Box::new(SystemClock)
}

#[durable_workflow]
pub async fn hx_publish_sales_quote(ctx: DurableContext, req: QuoteRequest) -> Result<PublishedQuote, DurableError> {
    let clock = default_clock();
    let customer = req.customer.clone();
    ctx.step("price-quote", move |_| async move { Ok::<_, String>(customer.len() as u64 * 990) })
        .await?;
    let expires_at_micros = clock.now_micros() + u128::from(req.valid_hours) * 3_600_000_000;
    let id = req.quote_id.clone();
    ctx.step(format!("publish-{id}-until-{expires_at_micros}"), move |_| async move { Ok::<_, String>(id) })
        .await?;
    Ok(PublishedQuote { quote_id: req.quote_id, expires_at_micros })
}

fn main() {}
