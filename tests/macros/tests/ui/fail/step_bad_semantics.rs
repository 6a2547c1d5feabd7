use durable_runtime::prelude::*;

#[step(semantics = "exactly_once")]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
