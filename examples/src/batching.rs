//! The seed's cost-optimized pattern: instead of one step per item (one checkpoint each) and
//! one wait per item (one invocation each), process items in batches: one step per batch and
//! one wait per batch. 1 000 items cost 10 steps, 10 waits and 11 invocations.
//!
//! Each batch's result is a small summary rather than every item's output, which keeps the
//! checkpoints (and the state every replay loads) small.

use durable_runtime::prelude::*;
use durable_runtime::StepContext;
use serde::{Deserialize, Serialize};

/// How to batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchingInput {
    /// Items in all (item `i` is the number `i`).
    #[serde(default = "thousand")]
    pub total_items: u64,
    /// Items per batch.
    #[serde(default = "hundred")]
    pub batch_size: u64,
    /// Seconds to wait after each batch (default 10).
    #[serde(default = "ten")]
    pub pause_seconds: u64,
}

fn thousand() -> u64 {
    1000
}

fn hundred() -> u64 {
    100
}

fn ten() -> u64 {
    10
}

/// The checkpointed summary of one batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchSummary {
    /// Batch index.
    pub batch: u64,
    /// Items processed.
    pub items: u64,
    /// Sum of the items' results.
    pub checksum: u64,
}

/// What the workflow returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchingReport {
    /// Batches run.
    pub batches: u64,
    /// Items processed.
    pub items: u64,
    /// Sum over all items.
    pub checksum: u64,
}

/// The stand-in per-item operation (cheap and deterministic).
pub fn small_operation(i: u64) -> u64 {
    i * 2 + 1
}

/// Processes one batch of items in one step.
pub async fn process_batch(batch: u64, batch_size: u64, total: u64) -> Result<BatchSummary, String> {
    let start = batch * batch_size;
    let end = (start + batch_size).min(total);
    Ok(BatchSummary {
        batch,
        items: end - start,
        checksum: (start..end).map(small_operation).sum(),
    })
}

/// One step and one wait per batch.
#[durable_workflow(name = "cost-optimized-batching")]
pub async fn cost_optimized_batching(
    ctx: DurableContext,
    input: BatchingInput,
) -> Result<BatchingReport, DurableError> {
    if input.batch_size == 0 {
        return Err(DurableError::failure(
            "InvalidInput",
            "batch_size must be at least 1",
        ));
    }
    let batches = input.total_items.div_ceil(input.batch_size);
    let mut report = BatchingReport {
        batches,
        items: 0,
        checksum: 0,
    };
    for batch in 0..batches {
        let (size, total) = (input.batch_size, input.total_items);
        let summary: BatchSummary = ctx
            .step(format!("batch-{batch}"), move |_: StepContext| {
                process_batch(batch, size, total)
            })
            .await?;
        report.items += summary.items;
        report.checksum += summary.checksum;
        // A single wait per batch instead of per operation.
        ctx.wait(format!("pause-{batch}"), Duration::from_secs(input.pause_seconds))
            .await?;
    }
    Ok(report)
}
