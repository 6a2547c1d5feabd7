//! category: legit-immutable-static
//! input: {"shipment_id": "shp-71", "weight_kg": 18, "zone": "eu-2"}
//! summary: shipping cost reads an immutable static rate table (&[(&str, u64)]) and a const surcharge in the body; no interior mutability, same value on every replay
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Shipment {
    pub shipment_id: String,
    pub weight_kg: u64,
    pub zone: String,
}

static ZONE_RATES: &[(&str, u64)] = &[("domestic", 120), ("eu-1", 240), ("eu-2", 310), ("world", 780)];
const FUEL_SURCHARGE_PERCENT: u64 = 12;

fn rate_for(zone: &str) -> Option<u64> {
    ZONE_RATES.iter().find(|(z, _)| *z == zone).map(|(_, r)| *r)
}

#[durable_workflow]
pub async fn hx_legit_quote_shipping(ctx: DurableContext, s: Shipment) -> Result<u64, DurableError> {
    let per_kg = rate_for(&s.zone).ok_or_else(|| DurableError::failure("UnknownZone", s.zone.clone()))?;
    let base = per_kg * s.weight_kg;
    let total = base + base * FUEL_SURCHARGE_PERCENT / 100;
    let id = s.shipment_id.clone();
    ctx.step(format!("book-{}-zone", s.zone), move |_| async move { Ok::<_, String>(format!("{id}:{total}")) })
        .await?;
    ctx.wait("pickup-window", Duration::from_secs(6 * 3600)).await?;
    Ok(total)
}

fn main() {}
