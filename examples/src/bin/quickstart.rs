//! The quickstart: a small workflow with steps, a durable wait and a child context, run on
//! the local engine in real time, with its history printed as it happened.
//!
//! ```text
//! cargo run -p durable-examples --bin quickstart -- Ada
//! ```

use durable_runtime::local::{EngineOptions, LocalEngine, MemoryStore, SystemClock};
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Serialize, Deserialize)]
struct Welcome {
    greeting: String,
    account: String,
    checks: Vec<String>,
}

fn onboarding() -> impl Workflow<Input = String, Output = Welcome> {
    workflow_fn("onboarding", |ctx: DurableContext, name: String| async move {
        // Runs once; on every later invocation its result comes from the checkpoint.
        let account: String = ctx
            .step("create-account", {
                let name = name.clone();
                move |s| async move {
                    s.logger.info(format!("creating an account for {name}"));
                    Ok::<_, DurableError>(format!("acct-{}", name.to_lowercase()))
                }
            })
            .retry(RetryPresets::default_policy())
            .await?;

        // Suspends the execution: no compute is used while it waits.
        ctx.wait("cool-off", Duration::from_secs(2)).await?;

        // A child context groups operations under one name and one checkpointed result.
        let checks: Vec<String> = ctx
            .run_in_child_context("verify", |child: DurableContext| async move {
                let email: String = child
                    .step("check-email", |_| async {
                        Ok::<_, DurableError>("email ok".to_owned())
                    })
                    .await?;
                let phone: String = child
                    .step("check-phone", |_| async {
                        Ok::<_, DurableError>("phone ok".to_owned())
                    })
                    .await?;
                Ok(vec![email, phone])
            })
            .await?;

        let greeting: String = ctx
            .step("greet", move |_| async move {
                Ok::<_, DurableError>(format!("Welcome, {name}!"))
            })
            .await?;
        Ok(Welcome {
            greeting,
            account,
            checks,
        })
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "Ada".to_owned());
    let engine = LocalEngine::new(
        Arc::new(MemoryStore::new()),
        Arc::new(SystemClock),
        EngineOptions::default(),
    );
    let workflow = Arc::new(onboarding());
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
