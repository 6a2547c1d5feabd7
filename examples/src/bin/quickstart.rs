//! The quickstart: a small workflow with steps, a durable wait and a child context, run on
//! the local engine in real time, with its history printed as it happened.
//!
//! ```text
//! cargo run -p durable-examples --bin quickstart -- Ada
//! ```

use durable_runtime::local::{EngineOptions, LocalEngine, MemoryStore, SystemClock};
use durable_runtime::prelude::*;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "Ada".to_owned());
    let engine = LocalEngine::new(
        Arc::new(MemoryStore::new()),
        Arc::new(SystemClock),
        EngineOptions::default(),
    );
    let workflow = Arc::new(durable_examples::workflows::onboarding());
    let input = serde_json::to_string(&name)?;
    let arn = engine.start_execution(workflow.name(), Some(&input))?;
    println!("started {arn}\n");
    let record = engine.run_to_completion(&workflow, &arn).await?;

    println!("\nstatus: {}", record.status.as_str());
    println!("result: {}", record.result.as_deref().unwrap_or("-"));
    println!("invocations: {}\n", record.invocations);
    println!("history:");
    for event in &record.events {
        let at = (event.event_timestamp.as_millis() - record.start.as_millis()) as f64 / 1000.0;
        let name = event.name.as_deref().unwrap_or("");
        println!(
            "  {:>3}  +{at:>6.3}s  {:<22} {name}",
            event.event_id, event.event_type
        );
    }
    Ok(())
}
