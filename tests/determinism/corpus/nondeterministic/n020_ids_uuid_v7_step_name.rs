//! category: ids
//! replay: diverges
//! input: {"tenant": "acme", "files": ["a.csv", "b.csv", "c.csv"]}
//! summary: tags the import with a Uuid::now_v7() correlation id (imported type) used in every step name
use durable_runtime::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize)]
pub struct Import {
    pub tenant: String,
    pub files: Vec<String>,
}

#[durable_workflow]
pub async fn ids_import_files(ctx: DurableContext, import: Import) -> Result<usize, DurableError> {
    let correlation = Uuid::now_v7();
    let mut rows = 0;
    for file in import.files {
        rows += ctx
            .step(format!("{correlation}/load-{file}"), move |_| async move { Ok::<_, String>(file.len()) })
            .await?;
    }
    Ok(rows)
}

fn main() {}
