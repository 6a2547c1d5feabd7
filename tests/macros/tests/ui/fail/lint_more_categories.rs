use durable_runtime::prelude::*;

mod futures {
    pub mod stream {
        pub struct FuturesUnordered;
        impl FuturesUnordered {
            pub fn new() -> Self {
                FuturesUnordered
            }
        }
    }
}
mod aws_sdk_s3 {
    pub struct Client;
    impl Client {
        pub fn new() -> Self {
            Client
        }
    }
}

#[durable_workflow]
async fn wf(ctx: DurableContext) -> Result<(), DurableError> {
    let _a = futures::stream::FuturesUnordered::new();
    let _b = aws_sdk_s3::Client::new();
    let _c = std::process::id();
    let _d = std::collections::hash_map::RandomState::new();
    let _e = tokio::time::interval(Duration::from_secs(1));
    let _f = tokio::task::spawn_blocking(|| 1);
    ctx.wait("w", Duration::from_secs(1)).await?;
    Ok(())
}

fn main() {}
