use durable_runtime::prelude::*;

#[step(retry(jitter = "random"))]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
