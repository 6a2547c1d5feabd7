//! category: legit-seeded-rng
//! input: {"batch_id": "B-2024-118", "sensors": ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"]}
//! summary: QA sampling seeds StdRng::seed_from_u64(ctx.random_u64().await?) so the shuffled sample replays identically, then re-validates the sampled sensors in a durable map (index-named items)
use durable_runtime::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SensorBatch {
    pub batch_id: String,
    pub sensors: Vec<String>,
}

#[durable_workflow]
pub async fn hx_legit_seeded_qa_sample(ctx: DurableContext, batch: SensorBatch) -> Result<usize, DurableError> {
    let mut rng = StdRng::seed_from_u64(ctx.random_u64().await?);
    let mut sample = batch.sensors.clone();
    sample.shuffle(&mut rng);
    sample.truncate(3);

    let checked = ctx
        .map("revalidate-sample", sample, |item_ctx: DurableContext, sensor: String, _| async move {
            item_ctx
                .step("recalibrate", move |_| async move { Ok::<_, String>(format!("{sensor}:ok")) })
                .await
        })
        .await?;
    checked.throw_if_error()?;
    let batch_id = batch.batch_id.clone();
    let n = checked.success_count();
    ctx.step("file-qa-report", move |_| async move { Ok::<_, String>(format!("{batch_id}: {n}")) })
        .await?;
    Ok(n)
}

fn main() {}
