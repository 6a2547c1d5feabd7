use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _t = std::time::Instant::now();
    let _u = tokio::time::Instant::now();
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
