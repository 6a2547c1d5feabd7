use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> String {
    let _ = ctx;
    String::new()
}

fn main() {}
