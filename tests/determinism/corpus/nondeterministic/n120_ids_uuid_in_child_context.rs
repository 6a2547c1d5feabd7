//! category: ids
//! replay: diverges
//! input: {"order_id": 5150, "boxes": 3}
//! summary: inside a run_in_child_context body (workflow code, not a step), makes a Uuid::new_v4() package id and names the child's steps with it
use durable_runtime::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize)]
pub struct Fulfilment {
    pub order_id: u64,
    pub boxes: u32,
}

#[durable_workflow]
pub async fn ids_fulfil_in_child(ctx: DurableContext, f: Fulfilment) -> Result<String, DurableError> {
    let boxes = f.boxes;
    let package: String = ctx
        .run_in_child_context("fulfil", move |child| async move {
            let package_id = Uuid::new_v4().to_string();
            for b in 0..boxes {
                child
                    .step(format!("pack-{package_id}-box-{b}"), move |_| async move { Ok::<_, String>(b) })
                    .await?;
            }
            Ok(package_id)
        })
        .await?;
    Ok(format!("order {} shipped as {package}", f.order_id))
}

fn main() {}
