//! category: ids
//! replay: diverges
//! input: {"warehouse": "WH-7", "parcels": [{"sku": "mug", "weight_g": 400}, {"sku": "lamp", "weight_g": 2300}, {"sku": "book", "weight_g": 650}]}
//! summary: label printing tags every map item with a fresh Uuid::new_v4().simple() inside the item namer, so the map's child contexts get different names each run
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Parcel {
    pub sku: String,
    pub weight_g: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LabelRun {
    pub warehouse: String,
    pub parcels: Vec<Parcel>,
}

fn carrier_for(weight_g: u32) -> &'static str {
    if weight_g > 2000 { "freight" } else { "post" }
}

#[durable_workflow]
pub async fn hx_print_shipping_labels(ctx: DurableContext, run: LabelRun) -> Result<Vec<String>, DurableError> {
    let warehouse = run.warehouse.clone();
    let labels = ctx
        .map("print-labels", run.parcels.clone(), move |item_ctx: DurableContext, parcel: Parcel, index| {
            let warehouse = warehouse.clone();
            async move {
                item_ctx
                    .step("print", move |_| async move {
                        Ok::<_, String>(format!("{warehouse}/{index}/{}/{}", parcel.sku, carrier_for(parcel.weight_g)))
                    })
                    .await
            }
        })
        .item_namer(|parcel: &Parcel, _| format!("label-{}-{}", parcel.sku, Uuid::new_v4().simple()))
        .max_concurrency(2)
        .await?;
    labels.throw_if_error()?;
    let printed = labels.into_results();
    let count = printed.len();
    ctx.step("notify-dock", move |_| async move { Ok::<_, String>(count) }).await?;
    Ok(printed)
}

fn main() {}
