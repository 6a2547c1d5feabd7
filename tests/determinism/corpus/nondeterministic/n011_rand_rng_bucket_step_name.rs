//! category: randomness
//! replay: diverges
//! input: {"user_id": "u-1001", "experiment": "checkout-v2"}
//! summary: assigns an experiment bucket with rand::rng().random_range(..) (trait Rng imported) and names the step after it
use durable_runtime::prelude::*;
use rand::Rng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Enrollment {
    pub user_id: String,
    pub experiment: String,
}

#[derive(Debug, Serialize)]
pub struct Assignment {
    pub user_id: String,
    pub bucket: u32,
}

#[durable_workflow]
pub async fn rand_assign_bucket(ctx: DurableContext, e: Enrollment) -> Result<Assignment, DurableError> {
    let bucket = rand::rng().random_range(0..100u32);
    let user = e.user_id.clone();
    ctx.step(format!("enroll-{}-bucket-{bucket}", e.experiment), move |_| async move {
        Ok::<_, String>(user)
    })
    .await?;
    Ok(Assignment {
        user_id: e.user_id,
        bucket,
    })
}

fn main() {}
