//! category: clock
//! replay: diverges
//! input: {"batch_id": "b-17", "records": [3, 5, 8, 13]}
//! summary: times the batch with Instant::now()/.elapsed() in the body and returns the elapsed nanoseconds in the result
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Instant;

#[derive(Debug, Clone, Deserialize)]
pub struct Batch {
    pub batch_id: String,
    pub records: Vec<u32>,
}

#[derive(Debug, Serialize)]
pub struct BatchReport {
    pub batch_id: String,
    pub total: u32,
    pub elapsed_ns: u128,
}

#[durable_workflow]
pub async fn clock_time_batch(ctx: DurableContext, batch: Batch) -> Result<BatchReport, DurableError> {
    let started = Instant::now();
    let mut total = 0;
    for (i, record) in batch.records.iter().copied().enumerate() {
        let scaled: u32 = ctx
            .step(format!("transform-{i}"), move |_| async move { Ok::<_, String>(record * 10) })
            .await?;
        total += scaled;
    }
    let elapsed = started.elapsed();
    Ok(BatchReport {
        batch_id: batch.batch_id,
        total,
        elapsed_ns: elapsed.as_nanos(),
    })
}

fn main() {}
