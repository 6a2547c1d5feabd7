use durable_runtime::prelude::*;

#[step]
async fn charge<T: ToString>(cents: T) -> Result<String, String> {
    Ok(cents.to_string())
}

fn main() {}
