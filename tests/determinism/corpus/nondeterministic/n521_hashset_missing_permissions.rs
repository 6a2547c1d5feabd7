//! category: hashmap-iteration
//! replay: diverges
//! input: {"employee": "e-208", "required": ["vpn", "email", "jira", "github", "payroll", "wiki"], "granted": ["email", "wiki"]}
//! summary: employee onboarding computes the missing permissions with HashSet::difference and grants them one step each in the set's hash order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessRequest {
    pub employee: String,
    pub required: Vec<String>,
    pub granted: Vec<String>,
}

#[durable_workflow]
pub async fn hx_grant_missing_access(ctx: DurableContext, req: AccessRequest) -> Result<Vec<String>, DurableError> {
    let required: HashSet<&str> = req.required.iter().map(String::as_str).collect();
    let granted: HashSet<&str> = req.granted.iter().map(String::as_str).collect();

    let mut newly_granted = Vec::new();
    for permission in required.difference(&granted) {
        let (emp, perm) = (req.employee.clone(), permission.to_string());
        let ticket: String = ctx
            .step(format!("grant-{permission}"), move |_| async move { Ok::<_, String>(format!("{emp}:{perm}")) })
            .await?;
        newly_granted.push(ticket);
    }
    let emp = req.employee.clone();
    let count = newly_granted.len();
    ctx.step("notify-manager", move |_| async move { Ok::<_, String>(format!("{emp}: {count} grants")) })
        .await?;
    Ok(newly_granted)
}

fn main() {}
