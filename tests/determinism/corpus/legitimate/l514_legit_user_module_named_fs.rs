//! category: legit-lookalike-names
//! input: {"bucket": "media", "keys": ["a/1.jpg", "a/2.jpg", "b/3.png"]}
//! summary: media cleanup calls fs::normalize and fs::extension from a user module named fs (pure string functions, no file system) in the workflow body
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cleanup {
    pub bucket: String,
    pub keys: Vec<String>,
}

/// Object-store path helpers (the "file system" of the bucket): pure functions.
mod fs {
    pub fn normalize(bucket: &str, key: &str) -> String {
        format!("{}/{}", bucket.trim_matches('/'), key.trim_start_matches('/'))
    }

    pub fn extension(key: &str) -> &str {
        key.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("")
    }
}

#[durable_workflow]
pub async fn hx_legit_media_cleanup(ctx: DurableContext, job: Cleanup) -> Result<usize, DurableError> {
    let mut removed = 0;
    for key in &job.keys {
        let path = fs::normalize(&job.bucket, key);
        if fs::extension(key) != "jpg" {
            continue;
        }
        let p = path.clone();
        ctx.step(format!("delete-{path}"), move |_| async move { Ok::<_, String>(p) }).await?;
        removed += 1;
    }
    ctx.wait("cdn-purge-delay", Duration::from_secs(60)).await?;
    let bucket = job.bucket.clone();
    ctx.step("purge-cdn", move |_| async move { Ok::<_, String>(bucket) }).await?;
    Ok(removed)
}

fn main() {}
