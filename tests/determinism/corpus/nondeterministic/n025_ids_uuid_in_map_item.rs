//! category: ids
//! replay: diverges
//! input: {"parcels": ["p-1", "p-2", "p-3", "p-4"]}
//! summary: inside each ctx.map item body, names the label step after a fresh Uuid::new_v4() tracking number
use durable_runtime::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize)]
pub struct Shipment {
    pub parcels: Vec<String>,
}

#[durable_workflow]
pub async fn ids_label_parcels(ctx: DurableContext, s: Shipment) -> Result<usize, DurableError> {
    let batch = ctx
        .map("label-parcels", s.parcels, |item_ctx: DurableContext, parcel: String, _i: usize| async move {
            let tracking = Uuid::new_v4();
            item_ctx
                .step(format!("print-label-{tracking}"), move |_| async move {
                    Ok::<_, String>(format!("{parcel}:{tracking}"))
                })
                .await
        })
        .await?;
    batch.throw_if_error()?;
    Ok(batch.success_count())
}

fn main() {}
