use durable_runtime::prelude::*;

#[step(name = "a", name = "b")]
async fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
