//! A module of the file named like a crate is the user's own: the lint resolves it there
//! (the real crates are rejected: see the lint's unit tests).
use durable_runtime::prelude::*;
mod rand {
    pub fn random<T: Default>() -> T { T::default() }
    pub fn thread_rng() -> u64 { 0 }
    pub fn rng() -> u64 { 0 }
}
mod fastrand {
    pub fn u64(_: std::ops::RangeFull) -> u64 { 0 }
}

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _a: u64 = rand::random();
    let _b = rand::thread_rng();
    let _c = rand::rng();
    let _d = fastrand::u64(..);
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
