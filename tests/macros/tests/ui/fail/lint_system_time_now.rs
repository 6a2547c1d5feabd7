use durable_runtime::prelude::*;
use std::time::SystemTime;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _t = std::time::SystemTime::now();
    let _u = SystemTime::now();
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
