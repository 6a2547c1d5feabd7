//! A module of the file named like a crate is the user's own: the lint resolves it there
//! (the real crates are rejected: see the lint's unit tests).
use durable_runtime::prelude::*;
mod chrono {
    pub struct Utc;
    impl Utc { pub fn now() -> u64 { 0 } }
    pub struct Local;
    impl Local { pub fn now() -> u64 { 0 } }
}
use chrono::Local;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _a = chrono::Utc::now();
    let _b = Local::now();
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
