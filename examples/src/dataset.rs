//! The seed's "automatic state checkpointing" workflow: a large dataset processed in chunks,
//! one step per chunk, with a short durable wait every ten chunks (each wait ends the
//! invocation, so no single invocation gets near the 15-minute limit).
//!
//! If chunk 47 of 100 fails, the execution resumes from chunk 47: chunks 0–46 are replayed
//! from their checkpoints, not processed again. The stand-in chunk processor fails on its
//! first attempt at the chunk the input names (`fail_at_chunk`), as an upstream outage would;
//! the step's retry policy schedules another attempt, the invocation suspends, and the next
//! invocation picks up exactly there.

use durable_runtime::prelude::*;
use durable_runtime::StepContext;
use serde::{Deserialize, Serialize};

/// Which dataset, how to cut it, and where to inject a failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetJob {
    /// The dataset.
    pub dataset_id: String,
    /// How many records it has (record `i` holds the value `i`).
    pub records: u64,
    /// Records per chunk.
    pub chunk_size: u64,
    /// The chunk whose first attempt fails (simulating an outage), if any.
    #[serde(default)]
    pub fail_at_chunk: Option<u64>,
    /// Seconds of the pause every ten chunks (default 1).
    #[serde(default = "one")]
    pub pause_seconds: u64,
}

fn one() -> u64 {
    1
}

/// The checkpointed result of one chunk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChunkSummary {
    /// Chunk index.
    pub chunk: u64,
    /// Records in it.
    pub records: u64,
    /// Sum of the records' values.
    pub sum: u64,
}

/// What the workflow returns: the chunks combined.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetReport {
    /// The dataset.
    pub dataset_id: String,
    /// Chunks processed.
    pub chunks: u64,
    /// Records processed.
    pub records: u64,
    /// Sum over all records.
    pub sum: u64,
}

/// The error of the stand-in chunk processor.
#[derive(Debug)]
pub struct ChunkError(pub String);

impl std::fmt::Display for ChunkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How many chunks `job` splits into.
pub fn chunk_count(job: &DatasetJob) -> u64 {
    job.records.div_ceil(job.chunk_size.max(1))
}

/// The stand-in processor: sums the records of chunk `chunk`; fails on the first attempt at
/// `fail_at`.
pub fn process_chunk(job: &DatasetJob, chunk: u64, attempt: u32) -> Result<ChunkSummary, ChunkError> {
    if job.fail_at_chunk == Some(chunk) && attempt == 1 {
        return Err(ChunkError(format!(
            "storage node timed out reading chunk {chunk}"
        )));
    }
    let size = job.chunk_size.max(1);
    let start = chunk * size;
    let end = (start + size).min(job.records);
    Ok(ChunkSummary {
        chunk,
        records: end - start,
        sum: (start..end).sum(),
    })
}

/// Retries of a chunk: 3 attempts, 1 s then 2 s apart (no jitter: one workflow, no herd).
pub fn chunk_retry() -> RetryPolicy {
    RetryPolicy::exponential()
        .max_attempts(3)
        .initial_delay(Duration::from_secs(1))
        .backoff_rate(2.0)
        .jitter(Jitter::None)
}

/// Combines the chunk summaries.
#[step(name = "combine-results")]
pub async fn combine_results(dataset_id: String, chunks: Vec<ChunkSummary>) -> Result<DatasetReport, String> {
    Ok(DatasetReport {
        dataset_id,
        chunks: chunks.len() as u64,
        records: chunks.iter().map(|c| c.records).sum(),
        sum: chunks.iter().map(|c| c.sum).sum(),
    })
}

/// Processes every chunk of the dataset, checkpointing each.
#[durable_workflow(name = "process-large-dataset")]
pub async fn process_large_dataset(
    ctx: DurableContext,
    job: DatasetJob,
) -> Result<DatasetReport, DurableError> {
    if job.chunk_size == 0 {
        return Err(DurableError::failure(
            "InvalidJob",
            "chunk_size must be at least 1",
        ));
    }
    let total = chunk_count(&job);
    let mut results = Vec::new();
    for i in 0..total {
        let chunk_job = job.clone();
        let summary: ChunkSummary = ctx
            .step(format!("process-chunk-{i}"), move |s: StepContext| async move {
                process_chunk(&chunk_job, i, s.attempt)
            })
            .retry(chunk_retry())
            .await?;
        results.push(summary);
        // Every ten chunks, end the invocation for a moment: the next one starts with a fresh
        // 15-minute budget and replays the finished chunks from their checkpoints.
        if (i + 1) % 10 == 0 && i + 1 < total {
            ctx.wait(
                format!("pause-after-chunk-{i}"),
                Duration::from_secs(job.pause_seconds),
            )
            .await?;
        }
    }
    ctx.run(combine_results(job.dataset_id.clone(), results)).await
}
