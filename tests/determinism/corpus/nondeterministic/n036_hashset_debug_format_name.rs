//! category: hashmap-iteration
//! replay: diverges
//! input: {"user": "u-8", "roles": ["admin", "billing", "support", "viewer", "auditor"]}
//! summary: puts `format!("{:?}", roles)` of a HashSet into the grant step's name
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashSet;

#[derive(Debug, Clone, Deserialize)]
pub struct RoleGrant {
    pub user: String,
    pub roles: HashSet<String>,
}

#[durable_workflow]
pub async fn hashset_grant_roles(ctx: DurableContext, g: RoleGrant) -> Result<usize, DurableError> {
    let n = g.roles.len();
    let user = g.user.clone();
    ctx.step(format!("grant-{}-{:?}", g.user, g.roles), move |_| async move { Ok::<_, String>(user) })
        .await?;
    Ok(n)
}

fn main() {}
