//! A module of the file named like a crate is the user's own: the lint resolves it there
//! (the real crates are rejected: see the lint's unit tests).
use durable_runtime::prelude::*;
mod uuid {
    pub struct Uuid;
    impl Uuid {
        pub fn new_v4() -> Self { Uuid }
        pub fn now_v7() -> Self { Uuid }
    }
}
use uuid::Uuid;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _a = uuid::Uuid::new_v4();
    let _b = Uuid::now_v7();
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
