use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _x: u32 = ctx
        .run_in_child_context("child", |child| async move {
            let _t = std::time::Instant::now();
            child.step("inner", |_| async { Ok::<_, String>(1u32) }).await
        })
        .await?;
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
