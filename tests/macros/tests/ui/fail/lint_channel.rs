use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let (_tx, _rx) = std::sync::mpsc::channel::<u32>();
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
