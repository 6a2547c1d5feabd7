//! category: randomness
//! replay: diverges
//! input: {"customer_id": "c-31337", "event": "address-changed"}
//! summary: picks a shard with RandomState::new().hash_one(..), which is seeded per instance, and names the step after the shard
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

#[derive(Debug, Clone, Deserialize)]
pub struct CustomerEvent {
    pub customer_id: String,
    pub event: String,
}

fn shard_of(key: &str, shards: u64) -> u64 {
    RandomState::new().hash_one(key) % shards
}

#[durable_workflow]
pub async fn rand_shard_event(ctx: DurableContext, ev: CustomerEvent) -> Result<u64, DurableError> {
    let shard = shard_of(&ev.customer_id, 16);
    let event = ev.event.clone();
    ctx.step(format!("append-to-shard-{shard}"), move |_| async move { Ok::<_, String>(event) })
        .await?;
    Ok(shard)
}

fn main() {}
