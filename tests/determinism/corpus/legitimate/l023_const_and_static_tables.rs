//! category: constants
//! input: {"country": "DE", "net_cents": 10000, "tier": 2}
//! summary: reads `const` items and immutable `static` lookup tables (`static RATES: [u32; 3]`, a static slice of pairs)
use durable_runtime::prelude::*;
use serde::Deserialize;

const MAX_TIER: usize = 2;
static TIER_DISCOUNT_PCT: [u32; 3] = [0, 5, 10];
static VAT_PERMILLE: &[(&str, u64)] = &[("DE", 190), ("FR", 200), ("IE", 230)];

#[derive(Debug, Clone, Deserialize)]
pub struct Pricing {
    pub country: String,
    pub net_cents: u64,
    pub tier: usize,
}

#[durable_workflow]
pub async fn legit_price_with_tables(ctx: DurableContext, p: Pricing) -> Result<u64, DurableError> {
    let discount = u64::from(TIER_DISCOUNT_PCT[p.tier.min(MAX_TIER)]);
    let vat = VAT_PERMILLE
        .iter()
        .find(|(c, _)| *c == p.country)
        .map_or(0, |(_, v)| *v);
    let net = p.net_cents - p.net_cents * discount / 100;
    let gross = net + net * vat / 1000;
    ctx.step(format!("invoice-{}", p.country), move |_| async move { Ok::<_, String>(gross) })
        .await
}

fn main() {}
