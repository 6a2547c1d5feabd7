//! category: concurrency-select
//! replay: diverges
//! input: {"regions": ["eu", "us", "ap", "sa", "af", "me"]}
//! summary: scans regions on std::thread::spawn workers that report over std::sync::mpsc, and returns the regions in the order the channel delivered them
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::sync::mpsc;
use std::thread;

#[derive(Debug, Clone, Deserialize)]
pub struct Scan {
    pub regions: Vec<String>,
}

fn scan_region(region: &str) -> u64 {
    (0..20_000u64).map(|i| i ^ region.len() as u64).sum()
}

#[durable_workflow]
pub async fn channel_scan_regions(ctx: DurableContext, s: Scan) -> Result<Vec<String>, DurableError> {
    let (tx, rx) = mpsc::channel();
    let workers: Vec<_> = s
        .regions
        .into_iter()
        .map(|region| {
            let tx = tx.clone();
            thread::spawn(move || {
                let found = scan_region(&region);
                let _ = tx.send((region, found));
            })
        })
        .collect();
    drop(tx);
    let reports: Vec<(String, u64)> = rx.iter().collect();
    for w in workers {
        let _ = w.join();
    }
    let order: Vec<String> = reports.iter().map(|(r, _)| r.clone()).collect();
    let first = order.first().cloned().unwrap_or_default();
    ctx.step(format!("escalate-{first}"), move |_| async move { Ok::<_, String>(reports.len()) })
        .await?;
    Ok(order)
}

fn main() {}
