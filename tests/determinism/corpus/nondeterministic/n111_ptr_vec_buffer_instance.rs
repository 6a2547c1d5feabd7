//! category: pointer-address
//! replay: same
//! input: {"job": "sync-crm", "pages": 3}
//! summary: uses the address of a fresh 4 KiB Vec buffer (`buf.as_ptr() as usize`) as the worker "instance id" in step names; the allocator hands back the same block run after run, so the runs agree
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct PagedSync {
    pub job: String,
    pub pages: u32,
}

#[durable_workflow]
pub async fn ptr_paged_sync(ctx: DurableContext, p: PagedSync) -> Result<u32, DurableError> {
    let buf: Vec<u8> = Vec::with_capacity(4096);
    let instance = (buf.as_ptr() as usize >> 12) & 0xffff;
    for page in 0..p.pages {
        ctx.step(format!("{}-i{instance:x}-page-{page}", p.job), move |_| async move { Ok::<_, String>(page) })
            .await?;
    }
    drop(buf);
    Ok(p.pages)
}

fn main() {}
