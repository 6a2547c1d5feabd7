use durable_runtime::prelude::*;
use std::env;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _a = std::env::var("HOME");
    let _b = env::vars().count();
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
