//! category: ids
//! replay: diverges
//! input: {"customer": "Ada", "lines": [{"sku": "pen", "qty": 3}, {"sku": "ink", "qty": 1}]}
//! summary: returns a confirmation number made with an aliased `use uuid::Uuid as Id; Id::new_v4()`
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid as Id;

#[derive(Debug, Clone, Deserialize)]
pub struct Line {
    pub sku: String,
    pub qty: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Cart {
    pub customer: String,
    pub lines: Vec<Line>,
}

#[derive(Debug, Serialize)]
pub struct Confirmation {
    pub confirmation: String,
    pub items: u32,
}

#[durable_workflow]
pub async fn ids_confirm_cart(ctx: DurableContext, cart: Cart) -> Result<Confirmation, DurableError> {
    let lines = cart.lines.clone();
    let items: u32 = ctx
        .step("reserve-stock", move |_| async move { Ok::<_, String>(lines.iter().map(|l| l.qty).sum()) })
        .await?;
    Ok(Confirmation {
        confirmation: Id::new_v4().hyphenated().to_string(),
        items,
    })
}

fn main() {}
