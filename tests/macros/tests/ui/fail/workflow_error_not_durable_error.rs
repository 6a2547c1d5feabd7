use durable_runtime::prelude::*;

#[derive(Debug)]
struct MyError;

// The error type must convert into `DurableError`.
#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), MyError> {
    let _ = ctx;
    Err(MyError)
}

fn main() {}
