use durable_runtime::prelude::*;

#[step(retry(max_attempts = 0))]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
