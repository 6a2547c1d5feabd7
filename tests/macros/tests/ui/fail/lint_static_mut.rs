use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    static mut COUNTER: u32 = 0;
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
