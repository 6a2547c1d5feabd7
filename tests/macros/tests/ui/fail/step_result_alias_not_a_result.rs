use durable_runtime::prelude::*;

// Looks like a `Result` by name, but is not one: the compiler says so at the return type.
type MyResult<T> = Option<T>;

#[step]
async fn charge(cents: u64) -> MyResult<u64> {
    Some(cents)
}

fn main() {}
