use durable_runtime::prelude::*;

#[step]
async fn charge(card: std::borrow::Cow<'_, str>) -> Result<u64, String> {
    Ok(card.len() as u64)
}

fn main() {}
