use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    std::thread::sleep(Duration::from_millis(10));
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
