//! category: trait-method
//! replay: diverges
//! input: {"order_id": 71, "lines": 4}
//! summary: `impl From<Order> for Invoice` stamps issued_at_ns from SystemTime::now(); `.into()` in the body builds the invoke payload
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Order {
    pub order_id: u64,
    pub lines: u32,
}

#[derive(Debug, Serialize)]
pub struct Invoice {
    pub order_id: u64,
    pub lines: u32,
    pub issued_at_ns: u128,
}

impl From<Order> for Invoice {
    fn from(o: Order) -> Self {
        Invoice {
            order_id: o.order_id,
            lines: o.lines,
            issued_at_ns: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        }
    }
}

#[durable_workflow]
pub async fn trait_invoice_order(ctx: DurableContext, o: Order) -> Result<u64, DurableError> {
    let id = o.order_id;
    let invoice: Invoice = o.into();
    let _ = ctx.invoke::<_, serde_json::Value>("send-invoice", "invoicing", invoice).await;
    Ok(id)
}

fn main() {}
