//! category: process
//! replay: same
//! input: {"queue": "video-transcode", "job": "vid-8812"}
//! summary: transcode lease tags the job with the worker's std::process::id() read in the body and names the lease step after it (same within a process, different after a redeploy or on another worker)
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TranscodeJob {
    pub queue: String,
    pub job: String,
}

fn worker_tag() -> String {
    format!("worker-{}", std::process::id())
}

#[durable_workflow]
pub async fn hx_lease_transcode_job(ctx: DurableContext, job: TranscodeJob) -> Result<String, DurableError> {
    let tag = worker_tag();
    let (queue, id) = (job.queue.clone(), job.job.clone());
    ctx.step(format!("lease-{tag}"), move |_| async move { Ok::<_, String>(format!("{queue}/{id}")) })
        .await?;
    ctx.wait("lease-heartbeat", Duration::from_secs(120)).await?;
    let id = job.job.clone();
    ctx.step("transcode", move |_| async move { Ok::<_, String>(format!("{id}.mp4")) }).await?;
    Ok(tag)
}

fn main() {}
