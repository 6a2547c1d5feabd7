//! category: pointer-address
//! replay: diverges
//! input: {"upload_id": "up-60", "chunks": 4}
//! summary: multipart upload picks a storage shard from the heap address of a freshly boxed buffer ((ptr as usize >> 4) % 16) in the body; the shard names the commit step
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upload {
    pub upload_id: String,
    pub chunks: u32,
}

struct ChunkBuffer {
    data: Vec<u8>,
}

fn shard_of(buffer: &ChunkBuffer) -> usize {
    (buffer as *const ChunkBuffer as usize >> 4) % 16
}

#[durable_workflow]
pub async fn hx_commit_multipart_upload(ctx: DurableContext, upload: Upload) -> Result<String, DurableError> {
    let mut etags = Vec::new();
    for chunk in 0..upload.chunks {
        let id = upload.upload_id.clone();
        let etag: String = ctx
            .step(format!("upload-part-{chunk}"), move |_| async move { Ok::<_, String>(format!("{id}-{chunk}")) })
            .await?;
        etags.push(etag);
    }
    let buffer = Box::new(ChunkBuffer { data: etags.join(",").into_bytes() });
    let shard = shard_of(&buffer);
    let len = buffer.data.len();
    ctx.step(format!("commit-on-shard-{shard}"), move |_| async move { Ok::<_, String>(len) })
        .await?;
    Ok(format!("{} committed on shard {shard}", upload.upload_id))
}

fn main() {}
