//! category: macro-rules
//! replay: diverges
//! input: {"order": 61, "warehouse": "fra"}
//! summary: a `trace_id!()` macro expands to rand::random::<u64>() formatted as hex; the body sends it with the invoke payload
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! trace_id {
    () => {
        format!("{:016x}", rand::random::<u64>())
    };
}

#[derive(Debug, Clone, Deserialize)]
pub struct Pick {
    pub order: u64,
    pub warehouse: String,
}

#[derive(Debug, Serialize)]
pub struct PickRequest {
    pub order: u64,
    pub trace: String,
}

#[durable_workflow]
pub async fn macro_request_pick(ctx: DurableContext, p: Pick) -> Result<bool, DurableError> {
    let req = PickRequest {
        order: p.order,
        trace: trace_id!(),
    };
    match ctx.invoke::<_, bool>("pick", format!("picker-{}", p.warehouse), req).await {
        Err(e) if e.is_fatal() => Err(e),
        other => Ok(other.unwrap_or(false)),
    }
}

fn main() {}
