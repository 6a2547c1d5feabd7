use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let a: u32 = ctx.step("load", |_| async { Ok::<_, String>(1) }).await?;
    let b: u32 = ctx.step("load", |_| async { Ok::<_, String>(2) }).await?;
    let _ = a + b;
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
