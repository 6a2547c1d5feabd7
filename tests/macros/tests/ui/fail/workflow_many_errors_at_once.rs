use durable_runtime::prelude::*;

#[durable_workflow(colour = "blue")]
async fn wf(ctx: DurableContext, input: &str) -> Result<(), DurableError> {
    let _ = input;
    let _t = std::time::SystemTime::now();
    ctx.wait("w", Duration::from_secs(1)).await?;
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
