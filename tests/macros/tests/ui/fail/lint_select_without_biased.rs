use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    tokio::select! {
        _ = async {} => {}
        _ = async {} => {}
    }
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
