//! category: invoke
//! input: {"user": "u-9", "plan": "pro", "seats": 5}
//! summary: ctx.invoke with a payload built only from the input (a BTreeMap of options), handling the target's failure
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Upgrade {
    pub user: String,
    pub plan: String,
    pub seats: u32,
}

#[derive(Debug, Serialize)]
pub struct ProvisionRequest {
    pub user: String,
    pub options: BTreeMap<String, String>,
}

#[durable_workflow]
pub async fn legit_provision_plan(ctx: DurableContext, u: Upgrade) -> Result<String, DurableError> {
    let mut options = BTreeMap::new();
    options.insert("plan".to_owned(), u.plan.clone());
    options.insert("seats".to_owned(), u.seats.to_string());
    let request = ProvisionRequest {
        user: u.user.clone(),
        options,
    };
    match ctx.invoke::<_, String>("provision", "provisioner", request).await {
        Ok(account) => Ok(account),
        Err(e) if e.is_fatal() => Err(e),
        Err(_) => {
            let user = u.user.clone();
            ctx.step("open-provisioning-ticket", move |_| async move { Ok::<_, String>(user) })
                .await
        }
    }
}

fn main() {}
