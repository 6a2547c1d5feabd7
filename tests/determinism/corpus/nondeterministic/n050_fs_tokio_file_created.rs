//! category: fs
//! replay: diverges
//! input: {"session": "s-19", "chunks": ["aGVs", "bG8="]}
//! summary: recreates a spool file with tokio::fs::File::create and branches on whether its birth time's nanoseconds are even (a "shard by creation time" scheme)
use durable_runtime::prelude::*;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone, Deserialize)]
pub struct Upload {
    pub session: String,
    pub chunks: Vec<String>,
}

#[durable_workflow]
pub async fn fs_spool_upload(ctx: DurableContext, u: Upload) -> Result<String, DurableError> {
    let io = |e: std::io::Error| DurableError::failure("SpoolError", e.to_string());
    let path = std::env::temp_dir().join(format!("durable-determinism-n050-{}.spool", u.session));
    let _ = tokio::fs::remove_file(&path).await;
    let mut file = tokio::fs::File::create(&path).await.map_err(io)?;
    for chunk in &u.chunks {
        file.write_all(chunk.as_bytes()).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    let born = file
        .metadata()
        .await
        .and_then(|m| m.created().or_else(|_| m.modified()))
        .map_err(io)?;
    let nanos = born.duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    let shard = format!("spool-shard-{}", nanos % 7);
    let session = u.session.clone();
    ctx.step(shard.clone(), move |_| async move { Ok::<_, String>(session) }).await?;
    Ok(shard)
}

fn main() {}
