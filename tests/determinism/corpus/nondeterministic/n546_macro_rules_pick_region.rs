//! category: macro-rules
//! replay: diverges
//! input: {"job_id": "render-77", "frames": 240}
//! summary: render farm chooses a region with a file-level macro_rules! pick_one!(..) that indexes its arguments with fastrand::usize; the region names the child context and is returned
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderJob {
    pub job_id: String,
    pub frames: u32,
}

macro_rules! pick_one {
    ($($choice:expr),+ $(,)?) => {{
        let choices = [$($choice),+];
        choices[fastrand::usize(..choices.len())]
    }};
}

#[durable_workflow]
pub async fn hx_dispatch_render_job(ctx: DurableContext, job: RenderJob) -> Result<String, DurableError> {
    let frames = job.frames;
    let chunks: u32 = ctx
        .step("split-frames", move |_| async move { Ok::<_, String>(frames.div_ceil(60)) })
        .await?;
    let region = pick_one!("us-west-2", "eu-north-1", "ap-southeast-2", "ca-central-1", "eu-west-3");
    let job_id = job.job_id.clone();
    let rendered: u32 = ctx
        .run_in_child_context(format!("render-in-{region}"), move |child| async move {
            let mut done = 0;
            for chunk in 0..chunks {
                let id = job_id.clone();
                done += child
                    .step(format!("render-chunk-{chunk}"), move |_| async move { Ok::<_, String>(u32::from(!id.is_empty())) })
                    .await?;
            }
            Ok(done)
        })
        .await?;
    Ok(format!("{rendered} chunks rendered in {region}"))
}

fn main() {}
