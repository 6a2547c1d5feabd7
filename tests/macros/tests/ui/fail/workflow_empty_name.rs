use durable_runtime::prelude::*;

#[durable_workflow(name = "")]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _ = ctx;
    Ok(())
}

fn main() {}
