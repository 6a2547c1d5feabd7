//! category: sleeping
//! replay: diverges
//! input: {"sensor": "door-4"}
//! summary: debounces sensor events: sleeps a 4 ms window while a scoped producer thread emits an event every 10 µs, then handles whatever arrived; how many arrived depends on timing
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::sync::mpsc;
use std::time::Duration as StdDuration;

#[derive(Debug, Clone, Deserialize)]
pub struct Sensor {
    pub sensor: String,
}

fn collect_burst() -> Vec<u32> {
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(move || {
            for i in 0..400 {
                if tx.send(i).is_err() {
                    break;
                }
                std::thread::sleep(StdDuration::from_micros(10));
            }
        });
        std::thread::sleep(StdDuration::from_millis(4));
        let burst: Vec<u32> = rx.try_iter().collect();
        drop(rx);
        burst
    })
}

#[durable_workflow]
pub async fn sleep_debounce_sensor(ctx: DurableContext, s: Sensor) -> Result<usize, DurableError> {
    let burst = collect_burst();
    let n = burst.len();
    ctx.step(format!("{}-handle-{n}-events", s.sensor), move |_| async move { Ok::<_, String>(burst) })
        .await?;
    Ok(n)
}

fn main() {}
