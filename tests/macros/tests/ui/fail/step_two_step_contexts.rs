use durable_runtime::prelude::*;
use durable_runtime::StepContext;

#[step]
async fn charge(first: StepContext, cents: u64, second: StepContext) -> Result<u64, String> {
    let _ = (first, second);
    Ok(cents)
}

fn main() {}
