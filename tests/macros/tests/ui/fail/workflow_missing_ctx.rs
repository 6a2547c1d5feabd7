use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf() -> Result<(), DurableError> {
    Ok(())
}

fn main() {}
