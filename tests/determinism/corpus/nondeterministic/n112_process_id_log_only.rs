//! category: process
//! replay: same
//! input: {"batch": "b-90", "size": 50}
//! summary: logs std::process::id() and tags the step with it; the pid does not change within a process
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct BatchInfo {
    pub batch: String,
    pub size: u32,
}

#[durable_workflow]
pub async fn process_tag_batch(ctx: DurableContext, b: BatchInfo) -> Result<u32, DurableError> {
    let pid = std::process::id();
    ctx.logger().info(format!("batch {} handled by pid {pid}", b.batch));
    let size = b.size;
    ctx.step(format!("load-{}-pid{pid}", b.batch), move |_| async move { Ok::<_, String>(size) })
        .await
}

fn main() {}
