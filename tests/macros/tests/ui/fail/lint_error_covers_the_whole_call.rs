use durable_runtime::prelude::*;

// The error covers the whole call, its arguments too, over as many lines as it takes.
#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _config = std::fs::read_to_string(
        "config.toml",
    );
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
