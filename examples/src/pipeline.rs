//! The seed's data-processing pipeline: extract a dataset, transform it in batches (one step
//! per batch, plus a checkpoint step every `checkpoint_every` batches that saves the latest
//! batches), then load the result.
//!
//! Between batches a short durable wait (`pause_seconds`, 0 for none) ends the invocation, so a
//! long pipeline never runs into the 15-minute invocation limit: every new invocation replays
//! the batches already done from their checkpoints and carries on.

use durable_runtime::prelude::*;
use durable_runtime::StepContext;
use serde::{Deserialize, Serialize};

/// A transformation applied to every record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Strip surrounding whitespace.
    Trim,
    /// Upper-case.
    Uppercase,
    /// Drop empty records (after the rules before it).
    DropEmpty,
}

/// How to process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessingConfig {
    /// Records per batch.
    pub batch_size: usize,
    /// Save a checkpoint after batch 0 and then every this many batches (default 10).
    #[serde(default = "ten")]
    pub checkpoint_every: usize,
    /// The rules, in order.
    pub transform_rules: Vec<Rule>,
    /// Where to load the result.
    pub destination: String,
    /// Seconds to pause between batches (0: no pause).
    #[serde(default)]
    pub pause_seconds: u64,
}

fn ten() -> usize {
    10
}

/// The pipeline's input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PipelineInput {
    /// The dataset to extract (the stand-in source knows `customers` and `empty`).
    pub dataset_id: String,
    /// How.
    pub processing_config: ProcessingConfig,
}

/// What was saved at a checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedCheckpoint {
    /// After which batch.
    pub batch: usize,
    /// How many records the saved batches held.
    pub records: usize,
}

/// What the load step reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// Where.
    pub destination: String,
    /// How many records were written.
    pub written: usize,
}

/// What the workflow returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PipelineOutcome {
    /// The dataset.
    pub dataset_id: String,
    /// Records loaded.
    pub records_processed: usize,
    /// Batches transformed.
    pub batches: usize,
    /// `completed`.
    pub status: String,
}

/// The stand-in source system.
pub fn extract_from_source(dataset_id: &str) -> Result<Vec<String>, String> {
    match dataset_id {
        "empty" => Ok(Vec::new()),
        "customers" => Ok((0..25)
            .map(|i| {
                if i % 7 == 3 {
                    "   ".to_owned()
                } else {
                    format!("  customer-{i:02} ")
                }
            })
            .collect()),
        other => Err(format!("unknown dataset `{other}`")),
    }
}

/// Applies the rules to one batch.
pub fn transform_batch(batch: &[String], rules: &[Rule]) -> Vec<String> {
    batch
        .iter()
        .filter_map(|record| {
            let mut r = record.clone();
            for rule in rules {
                match rule {
                    Rule::Trim => r = r.trim().to_owned(),
                    Rule::Uppercase => r = r.to_uppercase(),
                    Rule::DropEmpty if r.trim().is_empty() => return None,
                    Rule::DropEmpty => {}
                }
            }
            Some(r)
        })
        .collect()
}

/// Extracts the raw records.
#[step(name = "extract-data", retry = "transient")]
pub async fn extract_data(dataset_id: String) -> Result<Vec<String>, String> {
    extract_from_source(&dataset_id)
}

/// Loads the records into the destination.
#[step(name = "load-data", semantics = "at_most_once")]
pub async fn load_data(records: Vec<String>, destination: String) -> Result<LoadReport, String> {
    Ok(LoadReport {
        destination,
        written: records.len(),
    })
}

/// Extract, transform in batches, load.
#[durable_workflow(name = "data-pipeline")]
pub async fn data_pipeline(
    ctx: DurableContext,
    input: PipelineInput,
) -> Result<PipelineOutcome, DurableError> {
    let config = input.processing_config.clone();
    if config.batch_size == 0 || config.checkpoint_every == 0 {
        return Err(DurableError::failure(
            "InvalidConfig",
            "batch_size and checkpoint_every must be at least 1",
        ));
    }
    let raw = ctx.run(extract_data(input.dataset_id.clone())).await?;

    let batches: Vec<Vec<String>> = raw.chunks(config.batch_size).map(<[String]>::to_vec).collect();
    let mut transformed: Vec<Vec<String>> = Vec::new();
    for (i, batch) in batches.iter().enumerate() {
        let (batch, rules) = (batch.clone(), config.transform_rules.clone());
        let out: Vec<String> = ctx
            .step(format!("transform-batch-{i}"), move |_: StepContext| async move {
                Ok::<_, String>(transform_batch(&batch, &rules))
            })
            .await?;
        transformed.push(out);

        if i % config.checkpoint_every == 0 {
            let recent: usize = transformed
                .iter()
                .rev()
                .take(config.checkpoint_every)
                .map(Vec::len)
                .sum();
            let dataset = input.dataset_id.clone();
            let _saved: SavedCheckpoint = ctx
                .step(format!("checkpoint-{i}"), move |s: StepContext| async move {
                    s.logger
                        .info(format!("{dataset}: saved {recent} records after batch {i}"));
                    Ok::<_, String>(SavedCheckpoint {
                        batch: i,
                        records: recent,
                    })
                })
                .await?;
        }
        if config.pause_seconds > 0 && i + 1 < batches.len() {
            ctx.wait(format!("pause-{i}"), Duration::from_secs(config.pause_seconds))
                .await?;
        }
    }

    let records: Vec<String> = transformed.into_iter().flatten().collect();
    let count = records.len();
    ctx.run(load_data(records, config.destination.clone())).await?;
    Ok(PipelineOutcome {
        dataset_id: input.dataset_id,
        records_processed: count,
        batches: batches.len(),
        status: "completed".into(),
    })
}
