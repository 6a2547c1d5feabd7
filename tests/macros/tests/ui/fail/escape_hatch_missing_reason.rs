use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    #[durable::allow_nondeterministic]
    let _t = std::time::SystemTime::now();
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
