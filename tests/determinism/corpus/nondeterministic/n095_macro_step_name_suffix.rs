//! category: macro-rules
//! replay: diverges
//! input: {"tasks": ["lint", "test", "package"]}
//! summary: a `unique_name!($base)` macro appends fastrand::u32(..) to step names "to avoid collisions"
use durable_runtime::prelude::*;
use serde::Deserialize;

macro_rules! unique_name {
    ($base:expr) => {
        format!("{}-{:08x}", $base, fastrand::u32(..))
    };
}

#[derive(Debug, Clone, Deserialize)]
pub struct Ci {
    pub tasks: Vec<String>,
}

#[durable_workflow]
pub async fn macro_run_ci(ctx: DurableContext, c: Ci) -> Result<usize, DurableError> {
    for task in c.tasks.iter().cloned() {
        ctx.step(unique_name!(task), move |_| async move { Ok::<_, String>(task) }).await?;
    }
    Ok(c.tasks.len())
}

fn main() {}
