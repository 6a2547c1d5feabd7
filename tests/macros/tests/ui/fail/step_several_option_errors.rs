use durable_runtime::prelude::*;

#[step(retry(initial = "1x", max = "", jitter = "loud"), semantics = "sometimes")]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
