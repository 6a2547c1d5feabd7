use durable_runtime::prelude::*;

#[step]
async fn validate(card: String) -> Result<bool, String> {
    Ok(!card.is_empty())
}

#[durable_workflow]
async fn checkout(ctx: DurableContext, card: String) -> Result<bool, DurableError> {
    let ok = validate(card).await?;
    ctx.wait("pause", Duration::from_secs(1)).await?;
    Ok(ok)
}

fn main() {}
