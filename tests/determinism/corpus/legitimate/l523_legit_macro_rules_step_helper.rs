//! category: legit-macro-rules
//! input: {"employee": "e-311", "team": "platform", "laptop": "mbp-14"}
//! summary: onboarding defines a file-level macro_rules! task!(ctx, name, expr) that expands to ctx.step with a fixed name; the macro adds no nondeterminism
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewHire {
    pub employee: String,
    pub team: String,
    pub laptop: String,
}

macro_rules! task {
    ($ctx:expr, $name:literal, $value:expr) => {{
        let value = $value;
        $ctx.step($name, move |_| async move { Ok::<_, String>(value) }).await?
    }};
}

#[durable_workflow]
pub async fn hx_legit_onboard_new_hire(ctx: DurableContext, hire: NewHire) -> Result<String, DurableError> {
    let account: String = task!(ctx, "create-sso-account", format!("{}@corp", hire.employee));
    let group: String = task!(ctx, "add-to-team", format!("{}:{}", account, hire.team));
    ctx.wait("laptop-shipping", Duration::from_secs(2 * 24 * 3600)).await?;
    let enrolled: bool = task!(ctx, "enroll-device", !hire.laptop.is_empty());
    Ok(format!("{group} enrolled={enrolled}"))
}

fn main() {}
