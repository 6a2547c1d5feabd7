//! category: global-state
//! replay: diverges
//! input: {"job": "transcode-44", "workers": ["w-a", "w-b", "w-c"]}
//! summary: round-robins jobs over workers with a once_cell::sync::Lazy<Mutex<usize>> cursor and invokes the chosen worker
use durable_runtime::prelude::*;
use once_cell::sync::Lazy;
use serde::Deserialize;
use std::sync::Mutex;

static CURSOR: Lazy<Mutex<usize>> = Lazy::new(|| Mutex::new(0));

#[derive(Debug, Clone, Deserialize)]
pub struct Dispatch {
    pub job: String,
    pub workers: Vec<String>,
}

fn next_worker(workers: &[String]) -> String {
    let mut cursor = CURSOR.lock().unwrap_or_else(|p| p.into_inner());
    let w = workers[*cursor % workers.len()].clone();
    *cursor += 1;
    w
}

#[durable_workflow]
pub async fn global_dispatch_job(ctx: DurableContext, d: Dispatch) -> Result<String, DurableError> {
    let worker = next_worker(&d.workers);
    let r: Result<serde_json::Value, DurableError> = ctx.invoke("dispatch", worker.clone(), d.job.clone()).await;
    match r {
        Err(e) if e.is_fatal() => Err(e),
        _ => Ok(worker),
    }
}

fn main() {}
