use durable_runtime::prelude::*;

#[derive(serde::Deserialize)]
struct Order {
    id: u32,
}

#[durable_workflow]
async fn order(ctx: DurableContext, order: Order) -> Result<u32, DurableError> {
    let _ = ctx;
    Ok(order.id)
}

fn main() {}
