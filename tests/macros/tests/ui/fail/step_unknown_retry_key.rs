use durable_runtime::prelude::*;

#[step(retry(max_attempts = 3, delay = "1s"))]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
