//! category: deterministic-api
//! input: {"user_id": "u-1001", "experiment": "checkout-v2"}
//! summary: assigns an experiment bucket from ctx.random_u64() (recorded once) and branches on it
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Enrollment {
    pub user_id: String,
    pub experiment: String,
}

#[durable_workflow]
pub async fn legit_assign_bucket(ctx: DurableContext, e: Enrollment) -> Result<String, DurableError> {
    let bucket = ctx.random_u64().await? % 100;
    let user = e.user_id.clone();
    if bucket < 50 {
        ctx.step("enroll-control", move |_| async move { Ok::<_, String>(user) }).await?;
    } else {
        ctx.step("enroll-treatment", move |_| async move { Ok::<_, String>(user) }).await?;
    }
    Ok(format!("{} in {} bucket {bucket}", e.user_id, e.experiment))
}

fn main() {}
