//! category: seeded-randomness
//! input: {"seed": 424242, "population": ["a", "b", "c", "d", "e", "f", "g"], "sample": 3}
//! summary: samples with rand's StdRng::seed_from_u64 and fastrand::Rng::with_seed seeded from the input, so every run draws the same
use durable_runtime::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Sampling {
    pub seed: u64,
    pub population: Vec<String>,
    pub sample: usize,
}

#[durable_workflow]
pub async fn legit_seeded_sample(ctx: DurableContext, s: Sampling) -> Result<Vec<String>, DurableError> {
    let mut rng = StdRng::seed_from_u64(s.seed);
    let mut shuffled = s.population.clone();
    shuffled.shuffle(&mut rng);
    let picked: Vec<String> = shuffled.into_iter().take(s.sample).collect();
    let mut jitter = fastrand::Rng::with_seed(s.seed);
    for who in &picked {
        let w = who.clone();
        let delay = 10 + jitter.u64(..50);
        ctx.step(format!("survey-{who}"), move |_| async move { Ok::<_, String>(w) }).await?;
        ctx.wait(format!("space-out-{who}"), Duration::from_secs(delay)).await?;
    }
    Ok(picked)
}

fn main() {}
