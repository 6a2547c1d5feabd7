use durable_runtime::prelude::*;

fn patient() -> RetryPolicy {
    RetryPresets::transient()
}

#[step(retry = "none", retry_with = patient)]
async fn fetch(id: u32) -> Result<u32, String> {
    Ok(id)
}

fn main() {}
