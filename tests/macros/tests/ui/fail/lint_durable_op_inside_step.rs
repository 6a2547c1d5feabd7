use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<u32, DurableError> {
    let inner = ctx.clone();
    let v: u32 = ctx
        .step("outer", move |_| async move {
            inner.wait("nested", Duration::from_secs(1)).await.map_err(|e| e.to_string())?;
            Ok::<_, String>(1)
        })
        .await?;
    Ok(v)
}

fn main() {}
