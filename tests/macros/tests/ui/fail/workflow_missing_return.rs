use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) {
    let _ = ctx;
}

fn main() {}
