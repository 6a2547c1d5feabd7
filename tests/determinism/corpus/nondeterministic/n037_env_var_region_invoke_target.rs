//! category: env
//! replay: same
//! input: {"image": "img-204", "sizes": [64, 256, 1024]}
//! summary: reads the AWS_REGION variable with std::env::var in the body and builds the invoked function's name from it; constant within one process
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Thumbnails {
    pub image: String,
    pub sizes: Vec<u32>,
}

#[durable_workflow]
pub async fn env_regional_thumbnails(ctx: DurableContext, t: Thumbnails) -> Result<u32, DurableError> {
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".to_owned());
    let mut made = 0;
    for size in t.sizes {
        let r: Result<serde_json::Value, DurableError> = ctx
            .invoke(format!("thumb-{size}"), format!("resize-{region}"), (t.image.clone(), size))
            .await;
        match r {
            Err(e) if e.is_fatal() => return Err(e),
            Ok(_) => made += 1,
            Err(_) => {}
        }
    }
    Ok(made)
}

fn main() {}
