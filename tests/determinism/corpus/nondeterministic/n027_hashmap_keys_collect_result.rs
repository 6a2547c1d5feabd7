//! category: hashmap-iteration
//! replay: diverges
//! input: {"flags": {"dark-mode": true, "beta-search": false, "new-checkout": true, "fast-sync": true, "legacy-ui": false}}
//! summary: returns the enabled feature flags collected from HashMap::keys() into a Vec, in iteration order
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct FlagSet {
    pub flags: HashMap<String, bool>,
}

#[durable_workflow]
pub async fn hashmap_enabled_flags(ctx: DurableContext, set: FlagSet) -> Result<Vec<String>, DurableError> {
    let published: usize = ctx
        .step("publish-flags", {
            let n = set.flags.len();
            move |_| async move { Ok::<_, String>(n) }
        })
        .await?;
    let enabled: Vec<String> = set
        .flags
        .keys()
        .filter(|k| set.flags[*k])
        .cloned()
        .collect();
    let _ = published;
    Ok(enabled)
}

fn main() {}
