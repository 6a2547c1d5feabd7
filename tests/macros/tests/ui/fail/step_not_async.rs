use durable_runtime::prelude::*;

#[step]
fn charge(cents: u64) -> Result<u64, String> {
    Ok(cents)
}

fn main() {}
