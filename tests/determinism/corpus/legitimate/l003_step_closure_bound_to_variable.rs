//! category: clock-in-step
//! input: {"meter": "m-5", "readings": 3}
//! summary: a step closure that reads Instant::now()/SystemTime::now() is bound to a variable first, then passed to ctx.step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Deserialize)]
pub struct MeterRead {
    pub meter: String,
    pub readings: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reading {
    pub at_ms: u128,
    pub latency_us: u128,
}

#[durable_workflow]
pub async fn legit_read_meter(ctx: DurableContext, m: MeterRead) -> Result<usize, DurableError> {
    let mut taken = Vec::new();
    for i in 0..m.readings {
        let read = move |_| async move {
            let started = Instant::now();
            let at = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?;
            Ok::<_, String>(Reading {
                at_ms: at.as_millis(),
                latency_us: started.elapsed().as_micros(),
            })
        };
        let reading: Reading = ctx.step(format!("{}-read-{i}", m.meter), read).await?;
        taken.push(reading);
    }
    Ok(taken.len())
}

fn main() {}
