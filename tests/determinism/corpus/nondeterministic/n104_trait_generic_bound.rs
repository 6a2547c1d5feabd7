//! category: trait-method
//! replay: diverges
//! input: {"sensor": "s-4", "readings": [21, 22, 23]}
//! summary: a generic helper bounded on `T: Sampler` calls `sampler.sample()`, whose impl draws from rand::rng(); the sample goes into the result
use durable_runtime::prelude::*;
use rand::Rng;
use serde::{Deserialize, Serialize};

pub trait Sampler {
    fn sample(&self, len: usize) -> usize;
}

pub struct RandomSampler;

impl Sampler for RandomSampler {
    fn sample(&self, len: usize) -> usize {
        rand::rng().random_range(0..len.max(1))
    }
}

fn spot_check<T: Sampler>(sampler: &T, readings: &[i32]) -> (usize, i32) {
    let i = sampler.sample(readings.len());
    (i, readings.get(i).copied().unwrap_or_default())
}

#[derive(Debug, Clone, Deserialize)]
pub struct Readings {
    pub sensor: String,
    pub readings: Vec<i32>,
}

#[derive(Debug, Serialize)]
pub struct SpotCheck {
    pub index: usize,
    pub value: i32,
    pub stored: usize,
}

#[durable_workflow]
pub async fn trait_spot_check(ctx: DurableContext, r: Readings) -> Result<SpotCheck, DurableError> {
    let n = r.readings.len();
    let stored: usize = ctx.step("store-readings", move |_| async move { Ok::<_, String>(n) }).await?;
    let (index, value) = spot_check(&RandomSampler, &r.readings);
    Ok(SpotCheck { index, value, stored })
}

fn main() {}
