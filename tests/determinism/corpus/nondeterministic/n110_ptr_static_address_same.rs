//! category: pointer-address
//! replay: same
//! input: {"feature": "search", "users": ["u1", "u2"]}
//! summary: branches on the address parity of a static lookup table (`TABLE.as_ptr() as usize`); a static's address is fixed for the process, so runs agree
use durable_runtime::prelude::*;
use serde::Deserialize;

static TABLE: [u64; 4] = [3, 5, 7, 11];

#[derive(Debug, Clone, Deserialize)]
pub struct Rollout {
    pub feature: String,
    pub users: Vec<String>,
}

#[durable_workflow]
pub async fn ptr_rollout_by_table(ctx: DurableContext, r: Rollout) -> Result<String, DurableError> {
    let lane = if (TABLE.as_ptr() as usize / 8) % 2 == 0 { "even" } else { "odd" };
    let users = r.users.len();
    ctx.step(format!("enable-{}-{lane}", r.feature), move |_| async move { Ok::<_, String>(users) })
        .await?;
    Ok(lane.to_owned())
}

fn main() {}
