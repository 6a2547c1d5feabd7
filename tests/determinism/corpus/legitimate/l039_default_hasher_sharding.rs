//! category: look-alike-std
//! input: {"customer_id": "c-31337", "event": "address-changed"}
//! summary: shards with std::hash::DefaultHasher::new() (fixed keys, same hash every run) rather than a per-instance RandomState
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::hash::{DefaultHasher, Hash, Hasher};

#[derive(Debug, Clone, Deserialize)]
pub struct CustomerEvent {
    pub customer_id: String,
    pub event: String,
}

fn shard_of(key: &str, shards: u64) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish() % shards
}

#[durable_workflow]
pub async fn legit_shard_event(ctx: DurableContext, ev: CustomerEvent) -> Result<u64, DurableError> {
    let shard = shard_of(&ev.customer_id, 16);
    let event = ev.event.clone();
    ctx.step(format!("append-to-shard-{shard}"), move |_| async move { Ok::<_, String>(event) })
        .await?;
    Ok(shard)
}

fn main() {}
