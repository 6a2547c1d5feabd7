//! category: io-in-step
//! input: {"batch": ["r1", "r2", "r3"]}
//! summary: a module-level AtomicU64 metrics counter is incremented only inside step bodies; its value never feeds back into the workflow
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};

static PROCESSED_TOTAL: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Clone, Deserialize)]
pub struct Records {
    pub batch: Vec<String>,
}

#[durable_workflow]
pub async fn legit_count_in_steps(ctx: DurableContext, r: Records) -> Result<usize, DurableError> {
    for record in &r.batch {
        let rec = record.clone();
        ctx.step(format!("process-{record}"), move |_| async move {
            PROCESSED_TOTAL.fetch_add(1, Ordering::Relaxed);
            Ok::<_, String>(rec)
        })
        .await?;
    }
    Ok(r.batch.len())
}

fn main() {}
