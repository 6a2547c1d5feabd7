use durable_runtime::prelude::*;
use std::fs;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _a = std::fs::read_to_string("config.toml");
    let _b = fs::metadata(".");
    let _c = std::fs::File::open("x");
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
