use durable_runtime::prelude::*;

#[step(retry = "aggressive")]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
