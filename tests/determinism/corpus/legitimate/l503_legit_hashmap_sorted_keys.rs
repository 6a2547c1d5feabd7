//! category: legit-sorted-keys
//! input: {"tenant": "acme", "quotas": {"cpu": 64, "memory_gb": 256, "storage_tb": 12, "gpus": 4, "ips": 16}}
//! summary: tenant provisioning collects the HashMap's keys, sorts them, and runs one child context per resource in sorted order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TenantRequest {
    pub tenant: String,
    pub quotas: HashMap<String, u32>,
}

#[durable_workflow]
pub async fn hx_legit_provision_tenant_sorted(ctx: DurableContext, req: TenantRequest) -> Result<u32, DurableError> {
    let tenant = req.tenant.clone();
    ctx.step("create-account", move |_| async move { Ok::<_, String>(format!("acct-{tenant}")) })
        .await?;
    let mut resources: Vec<&String> = req.quotas.keys().collect();
    resources.sort();
    let mut granted = 0;
    for resource in resources {
        let amount = req.quotas[resource];
        let r = resource.clone();
        granted += ctx
            .run_in_child_context(format!("provision-{resource}"), move |child| async move {
                child
                    .step("reserve-capacity", move |_| async move { Ok::<_, String>(if r.is_empty() { 0 } else { amount }) })
                    .await
            })
            .await?;
    }
    Ok(granted)
}

fn main() {}
