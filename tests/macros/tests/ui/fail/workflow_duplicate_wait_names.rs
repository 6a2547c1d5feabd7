use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    ctx.wait("w", Duration::from_secs(5)).await?;
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
