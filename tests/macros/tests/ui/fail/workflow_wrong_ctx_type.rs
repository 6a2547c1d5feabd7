use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(name: String, n: u32) -> Result<(), DurableError> {
    let _ = (name, n);
    Ok(())
}

fn main() {}
