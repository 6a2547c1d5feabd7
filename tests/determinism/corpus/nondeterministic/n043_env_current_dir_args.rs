//! category: env
//! replay: same
//! input: {"bundle": "site-assets", "files": 12}
//! summary: includes std::env::current_dir() and the first CLI argument from std::env::args() in the upload step's input; both stay the same within a process
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Bundle {
    pub bundle: String,
    pub files: u32,
}

#[durable_workflow]
pub async fn env_upload_bundle(ctx: DurableContext, b: Bundle) -> Result<String, DurableError> {
    let cwd = std::env::current_dir().map(|p| p.display().to_string()).unwrap_or_default();
    let program = std::env::args().next().unwrap_or_default();
    let origin = format!("{}@{}", program.rsplit('/').next().unwrap_or(""), cwd.len());
    let files = b.files;
    let uploaded: u32 = ctx
        .step("upload", move |_| async move { Ok::<_, String>(files) })
        .await?;
    Ok(format!("{} x{uploaded} from {origin}", b.bundle))
}

fn main() {}
