//! category: hashmap-iteration
//! replay: diverges
//! input: {"sku": "kettle-2l", "by_region": {"eu-west": 40, "us-east": 120, "ap-south": 15, "sa-east": 8, "us-west": 64}}
//! summary: restock plan iterates the input struct's HashMap field by_region with a for loop over &plan.by_region and creates one restock step per region in hash order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestockPlan {
    pub sku: String,
    pub by_region: HashMap<String, u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PurchaseOrder {
    pub region: String,
    pub units: u32,
}

#[durable_workflow]
pub async fn hx_regional_restock(ctx: DurableContext, plan: RestockPlan) -> Result<Vec<PurchaseOrder>, DurableError> {
    let sku = plan.sku.clone();
    let moq: u32 = ctx
        .step("fetch-min-order-qty", move |_| async move { Ok::<_, String>(if sku.contains("2l") { 10 } else { 1 }) })
        .await?;

    let mut orders = Vec::new();
    for (region, units) in &plan.by_region {
        let units = (*units).max(moq);
        let (r, s) = (region.clone(), plan.sku.clone());
        let po: PurchaseOrder = ctx
            .step(format!("restock-{region}"), move |_| async move {
                let _ = s;
                Ok::<_, String>(PurchaseOrder { region: r, units })
            })
            .await?;
        orders.push(po);
    }
    ctx.wait("supplier-ack-window", Duration::from_secs(2 * 3600)).await?;
    Ok(orders)
}

fn main() {}
