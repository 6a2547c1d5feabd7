use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let clock: fn() -> std::time::SystemTime = std::time::SystemTime::now;
    let _ = clock;
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
