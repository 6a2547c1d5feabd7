use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf<T: serde::de::DeserializeOwned + Send + 'static>(ctx: DurableContext, input: T) -> Result<(), DurableError> {
    let _ = (ctx, input);
    Ok(())
}

fn main() {}
