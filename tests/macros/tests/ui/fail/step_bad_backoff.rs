use durable_runtime::prelude::*;

#[step(retry(backoff = 0.5))]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
