//! category: randomness
//! replay: diverges
//! input: {"batch_id": "B-2024-118", "readings": [{"sensor": "s1", "value": 20.5}, {"sensor": "s2", "value": 21.0}, {"sensor": "s3", "value": 19.8}, {"sensor": "s4", "value": 22.4}, {"sensor": "s5", "value": 20.1}, {"sensor": "s6", "value": 18.9}, {"sensor": "s7", "value": 23.3}, {"sensor": "s8", "value": 20.0}]}
//! summary: data-quality pipeline seeds StdRng::from_os_rng() in the body and samples three sensor readings to re-validate in a durable map whose item names carry the sensor
use durable_runtime::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reading {
    pub sensor: String,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SensorBatch {
    pub batch_id: String,
    pub readings: Vec<Reading>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QaReport {
    pub batch_id: String,
    pub sampled: usize,
    pub out_of_range: usize,
}

#[durable_workflow]
pub async fn hx_sensor_batch_qa(ctx: DurableContext, batch: SensorBatch) -> Result<QaReport, DurableError> {
    let rows = batch.readings.len();
    ctx.step("ingest-batch", move |_| async move { Ok::<_, String>(rows) }).await?;

    let mut rng = StdRng::from_os_rng();
    let sample: Vec<Reading> = batch.readings.choose_multiple(&mut rng, 3).cloned().collect();

    let checked = ctx
        .map("revalidate-sample", sample, |item_ctx: DurableContext, reading: Reading, _| async move {
            let sensor = reading.sensor.clone();
            item_ctx
                .step(format!("recalibrate-{sensor}"), move |_| async move {
                    Ok::<_, String>(!(15.0..=23.0).contains(&reading.value))
                })
                .await
        })
        .item_namer(|r: &Reading, _| format!("sample-{}", r.sensor))
        .await?;
    let out_of_range = checked.results().into_iter().filter(|bad| **bad).count();
    Ok(QaReport {
        batch_id: batch.batch_id,
        sampled: checked.total_count(),
        out_of_range,
    })
}

fn main() {}
