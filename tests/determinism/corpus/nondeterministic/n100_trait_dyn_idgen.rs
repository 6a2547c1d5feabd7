//! category: trait-method
//! replay: diverges
//! input: {"shipments": ["sh-1", "sh-2", "sh-3"]}
//! summary: a boxed `dyn IdGenerator` (UuidIds impl calling Uuid::new_v4()) stamps each manifest line returned by the workflow
use durable_runtime::prelude::*;
use serde::Deserialize;

pub trait IdGenerator: Send + Sync {
    fn next_id(&self) -> String;
}

pub struct UuidIds;

impl IdGenerator for UuidIds {
    fn next_id(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub shipments: Vec<String>,
}

#[durable_workflow]
pub async fn trait_stamp_manifest(ctx: DurableContext, m: Manifest) -> Result<Vec<String>, DurableError> {
    let ids: Box<dyn IdGenerator> = Box::new(UuidIds);
    let count = m.shipments.len();
    ctx.step("lock-manifest", move |_| async move { Ok::<_, String>(count) }).await?;
    Ok(m.shipments.iter().map(|s| format!("{s}:{}", ids.next_id())).collect())
}

fn main() {}
