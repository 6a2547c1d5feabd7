use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext, name: &str) -> Result<(), DurableError> {
    let _ = (ctx, name);
    Ok(())
}

fn main() {}
