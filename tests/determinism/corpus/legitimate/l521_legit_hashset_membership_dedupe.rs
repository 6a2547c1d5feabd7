//! category: legit-hashset-lookup
//! input: {"list": "vip-preview", "emails": ["a@x.test", "b@x.test", "A@x.test", "c@x.test", "b@x.test", "d@x.test"], "suppressed": ["c@x.test", "z@x.test", "y@x.test", "w@x.test"]}
//! summary: invitation send dedupes and filters addresses with HashSet::insert/contains while walking the input Vec in order, so steps follow the input order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteList {
    pub list: String,
    pub emails: Vec<String>,
    pub suppressed: Vec<String>,
}

#[durable_workflow]
pub async fn hx_legit_send_invites(ctx: DurableContext, input: InviteList) -> Result<Vec<String>, DurableError> {
    let suppressed: HashSet<String> = input.suppressed.iter().map(|e| e.to_lowercase()).collect();
    let mut seen = HashSet::new();
    let mut invited = Vec::new();
    for email in &input.emails {
        let normalized = email.to_lowercase();
        if suppressed.contains(&normalized) || !seen.insert(normalized.clone()) {
            continue;
        }
        let (to, list) = (normalized.clone(), input.list.clone());
        ctx.step(format!("invite-{}", invited.len()), move |_| async move { Ok::<_, String>(format!("{list}->{to}")) })
            .await?;
        invited.push(normalized);
    }
    Ok(invited)
}

fn main() {}
