use durable_runtime::prelude::*;

#[step(retry(max = "0s"))]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
