//! A module of the file named like a crate is the user's own: the lint resolves it there
//! (the real crates are rejected: see the lint's unit tests).
use durable_runtime::prelude::*;
mod reqwest {
    pub fn get(_: &str) -> u16 { 200 }
}

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _a = reqwest::get("https://example.com");
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
