//! category: randomness
//! replay: diverges
//! input: {"orders": [101, 102, 103, 104, 105, 106, 107, 108]}
//! summary: samples orders for a quality check with `.filter(|_| matches!(rand::random::<u8>() % 4, 0 | 1))` in an iterator chain; each sampled order gets a step
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Orders {
    pub orders: Vec<u64>,
}

#[durable_workflow]
pub async fn rand_quality_sample(ctx: DurableContext, o: Orders) -> Result<Vec<u64>, DurableError> {
    let sampled: Vec<u64> = o
        .orders
        .iter()
        .copied()
        .filter(|_| matches!(rand::random::<u8>() % 4, 0 | 1))
        .collect();
    for order in &sampled {
        let id = *order;
        ctx.step(format!("qc-{order}"), move |_| async move { Ok::<_, String>(id) }).await?;
    }
    Ok(sampled)
}

fn main() {}
