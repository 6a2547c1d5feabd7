//! category: randomness
//! replay: diverges
//! input: {"sku": "sku-9", "warehouses": ["fra", "dub", "iad", "pdx", "nrt"]}
//! summary: picks the warehouse to invoke with IndexedRandom::choose on the input list
use durable_runtime::prelude::*;
use rand::seq::IndexedRandom;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Restock {
    pub sku: String,
    pub warehouses: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RestockRequest {
    pub sku: String,
    pub quantity: u32,
}

#[durable_workflow]
pub async fn rand_pick_warehouse(ctx: DurableContext, r: Restock) -> Result<String, DurableError> {
    let warehouse = {
        let mut rng = rand::rng();
        r.warehouses.choose(&mut rng).cloned().unwrap_or_else(|| "default".to_owned())
    };
    let request = RestockRequest {
        sku: r.sku.clone(),
        quantity: 10,
    };
    let outcome: Result<serde_json::Value, DurableError> =
        ctx.invoke("restock", format!("warehouse-{warehouse}"), request).await;
    match outcome {
        Ok(v) => Ok(v.to_string()),
        Err(e) if e.is_fatal() => Err(e),
        Err(_) => Ok(format!("{warehouse} did not answer")),
    }
}

fn main() {}
