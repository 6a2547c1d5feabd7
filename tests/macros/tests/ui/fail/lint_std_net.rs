use durable_runtime::prelude::*;

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _a = std::net::TcpStream::connect("example.com:80");
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
