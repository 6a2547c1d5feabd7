//! category: deterministic-api
//! input: {"order": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "lines": 2}
//! summary: parses the input's UUID with Uuid::parse_str, and derives a line id with Uuid::from_u128 of ctx.random_u64()
use durable_runtime::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize)]
pub struct OrderRef {
    pub order: String,
    pub lines: u32,
}

#[durable_workflow]
pub async fn legit_reference_lines(ctx: DurableContext, o: OrderRef) -> Result<Vec<String>, DurableError> {
    let order = Uuid::parse_str(&o.order).map_err(|e| DurableError::failure("BadOrderId", e.to_string()))?;
    let mut refs = Vec::new();
    for line in 0..o.lines {
        let salt = ctx.random_u64().await?;
        let line_id = Uuid::from_u128((order.as_u128() ^ u128::from(salt)).rotate_left(line));
        let id = line_id.to_string();
        ctx.step(format!("register-line-{line}"), move |_| async move { Ok::<_, String>(id) }).await?;
        refs.push(line_id.to_string());
    }
    Ok(refs)
}

fn main() {}
