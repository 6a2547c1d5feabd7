use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _h = tokio::spawn(async { 1 });
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
