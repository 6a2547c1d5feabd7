use durable_runtime::prelude::*;

#[step(retry(initial = "1m", max = "10s"))]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
