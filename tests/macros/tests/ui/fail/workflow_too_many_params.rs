use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext, a: u32, b: u32) -> Result<u32, DurableError> {
    let _ = ctx;
    Ok(a + b)
}

fn main() {}
