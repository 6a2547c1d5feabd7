use durable_runtime::prelude::*;

#[step]
async fn charge(card: &str, cents: u64) -> Result<u64, String> {
    let _ = card;
    Ok(cents)
}

fn main() {}
