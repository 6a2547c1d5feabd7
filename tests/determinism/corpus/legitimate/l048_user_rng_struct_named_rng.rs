//! category: look-alike-names
//! input: {"seed": 7, "slots": 4}
//! summary: a user-defined deterministic SplitMix64 stored in a variable named `rng` (seeded from the input) with a `gen_range` method
use durable_runtime::prelude::*;
use serde::Deserialize;

pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn gen_range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Schedule {
    pub seed: u64,
    pub slots: u32,
}

#[durable_workflow]
pub async fn legit_spread_slots(ctx: DurableContext, s: Schedule) -> Result<Vec<u64>, DurableError> {
    let mut rng = SplitMix64::new(s.seed);
    let mut offsets = Vec::new();
    for slot in 0..s.slots {
        let offset = rng.gen_range(60, 600);
        ctx.wait(format!("slot-{slot}"), Duration::from_secs(offset)).await?;
        offsets.push(offset);
    }
    Ok(offsets)
}

fn main() {}
