//! category: macro-rules
//! replay: diverges
//! input: {"accounts": ["a-1", "a-2", "a-3", "a-4"]}
//! summary: a macro_rules! generates a `partition_of` fn whose hasher comes from RandomState::new(); the body routes accounts with it
use durable_runtime::prelude::*;
use serde::Deserialize;

macro_rules! hashed_partitioner {
    ($name:ident, $parts:expr) => {
        fn $name(key: &str) -> u64 {
            use std::hash::BuildHasher;
            std::collections::hash_map::RandomState::new().hash_one(key) % $parts
        }
    };
}

hashed_partitioner!(partition_of, 8);

#[derive(Debug, Clone, Deserialize)]
pub struct Accounts {
    pub accounts: Vec<String>,
}

#[durable_workflow]
pub async fn macro_migrate_accounts(ctx: DurableContext, a: Accounts) -> Result<Vec<u64>, DurableError> {
    let mut parts = Vec::new();
    for account in a.accounts {
        let p = partition_of(&account);
        ctx.step(format!("migrate-{account}-to-p{p}"), move |_| async move { Ok::<_, String>(account) })
            .await?;
        parts.push(p);
    }
    Ok(parts)
}

fn main() {}
