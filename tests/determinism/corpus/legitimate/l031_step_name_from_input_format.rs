//! category: control-flow
//! input: {"tenant": "acme", "region": "eu-west-1", "tables": ["orders", "users", "events"]}
//! summary: builds step and wait names with format! from input fields and loop indices only
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Backup {
    pub tenant: String,
    pub region: String,
    pub tables: Vec<String>,
}

#[durable_workflow]
pub async fn legit_backup_tables(ctx: DurableContext, b: Backup) -> Result<Vec<String>, DurableError> {
    let mut snapshots = Vec::new();
    for (i, table) in b.tables.iter().enumerate() {
        let name = format!("{}/{}/{table}", b.tenant, b.region);
        let n = name.clone();
        let id: String = ctx
            .step(format!("snapshot-{i}-{table}"), move |_| async move { Ok::<_, String>(format!("snap:{n}")) })
            .await?;
        snapshots.push(id);
        ctx.wait(format!("throttle-after-{table}"), Duration::from_secs(10)).await?;
    }
    Ok(snapshots)
}

fn main() {}
