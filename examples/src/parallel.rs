//! The seed's "parallel execution and coordination" workflow: process every item at once
//! (a durable `map`, each item a child context with its own `process-item-<i>` step), then
//! aggregate the results in one more step.
//!
//! By default the first failing item fails the workflow, like the seed's `Promise.all`; the
//! input may tolerate some failures, and the aggregation then reports them.

use durable_runtime::prelude::*;
use durable_runtime::{CompletionConfig, StepContext};
use serde::{Deserialize, Serialize};

/// One item to process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    /// SKU.
    pub sku: String,
    /// How many (0 is invalid: the stand-in service rejects it).
    pub quantity: u32,
    /// Unit price in cents.
    pub unit_cents: u64,
}

/// The batch to process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParallelInput {
    /// The items.
    pub items: Vec<LineItem>,
    /// Most items in flight at once (default: all).
    #[serde(default)]
    pub max_concurrency: Option<usize>,
    /// How many failed items to accept (default 0: fail fast).
    #[serde(default)]
    pub tolerated_failures: usize,
}

/// The checkpointed result of one item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessedItem {
    /// SKU.
    pub sku: String,
    /// quantity × unit price.
    pub total_cents: u64,
}

/// What the workflow returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// Items processed successfully.
    pub processed: usize,
    /// Indices of the items that failed.
    pub failed: Vec<usize>,
    /// Sum over the processed items.
    pub total_cents: u64,
}

/// The stand-in item service.
pub fn process_item(item: &LineItem) -> Result<ProcessedItem, String> {
    if item.quantity == 0 {
        return Err(format!("{}: quantity must be at least 1", item.sku));
    }
    Ok(ProcessedItem {
        sku: item.sku.clone(),
        total_cents: u64::from(item.quantity) * item.unit_cents,
    })
}

/// Sums up.
#[step(name = "aggregate-results")]
pub async fn aggregate_results(items: Vec<ProcessedItem>, failed: Vec<usize>) -> Result<Aggregate, String> {
    Ok(Aggregate {
        processed: items.len(),
        failed,
        total_cents: items.iter().map(|i| i.total_cents).sum(),
    })
}

/// Process in parallel, then aggregate.
#[durable_workflow(name = "parallel-processing")]
pub async fn parallel_processing(
    ctx: DurableContext,
    input: ParallelInput,
) -> Result<Aggregate, DurableError> {
    let mut map = ctx
        .map(
            "process-items",
            input.items.clone(),
            |item_ctx: DurableContext, item: LineItem, index: usize| async move {
                item_ctx
                    .step(
                        format!("process-item-{index}"),
                        move |_: StepContext| async move { process_item(&item) },
                    )
                    // A bad item stays bad: no retries.
                    .retry(RetryPresets::none())
                    .await
            },
        )
        .item_namer(|item: &LineItem, index| format!("item-{index}-{}", item.sku))
        .completion(CompletionConfig::default().tolerated_failures(input.tolerated_failures));
    if let Some(n) = input.max_concurrency {
        map = map.max_concurrency(n);
    }
    let batch = map.await?;
    if batch.failure_count() > input.tolerated_failures {
        batch.throw_if_error()?;
    }
    let failed: Vec<usize> = batch.failed().map(|i| i.index).collect();
    ctx.run(aggregate_results(batch.into_results(), failed)).await
}
