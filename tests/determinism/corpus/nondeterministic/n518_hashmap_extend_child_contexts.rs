//! category: hashmap-iteration
//! replay: diverges
//! input: {"tenant": "acme", "quotas": {"cpu": 64, "memory_gb": 256, "storage_tb": 12, "gpus": 4, "ips": 16}}
//! summary: tenant provisioning builds its task list with Vec::extend over a HashMap of quotas and then runs one child context per task, so the child contexts' names and order follow hash order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TenantRequest {
    pub tenant: String,
    pub quotas: HashMap<String, u32>,
}

#[derive(Debug, Clone)]
struct Task {
    resource: String,
    amount: u32,
}

#[durable_workflow]
pub async fn hx_provision_tenant(ctx: DurableContext, req: TenantRequest) -> Result<u32, DurableError> {
    let tenant = req.tenant.clone();
    ctx.step("create-account", move |_| async move { Ok::<_, String>(format!("acct-{tenant}")) })
        .await?;

    let mut tasks = vec![Task { resource: "network".into(), amount: 1 }];
    tasks.extend(req.quotas.iter().map(|(resource, amount)| Task { resource: resource.clone(), amount: *amount }));

    let mut granted = 0;
    for task in tasks {
        let tenant = req.tenant.clone();
        granted += ctx
            .run_in_child_context(format!("provision-{}", task.resource), move |child| async move {
                let resource = task.resource.clone();
                child
                    .step("reserve-capacity", move |_| async move {
                        Ok::<_, String>(if resource.is_empty() || tenant.is_empty() { 0 } else { task.amount })
                    })
                    .await
            })
            .await?;
    }
    Ok(granted)
}

fn main() {}
