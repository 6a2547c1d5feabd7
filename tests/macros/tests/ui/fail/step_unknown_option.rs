use durable_runtime::prelude::*;

#[step(timeout = "5m")]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
