//! category: network
//! replay: diverges
//! input: {"job": "render-video", "frames": 240}
//! summary: binds a std::net::TcpListener on 127.0.0.1:0 for progress reports and sends its OS-assigned port in the invoke payload
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::net::TcpListener;

#[derive(Debug, Clone, Deserialize)]
pub struct RenderJob {
    pub job: String,
    pub frames: u32,
}

#[derive(Debug, Serialize)]
pub struct RenderRequest {
    pub job: String,
    pub frames: u32,
    pub progress_url: String,
}

#[durable_workflow]
pub async fn net_render_with_progress(ctx: DurableContext, j: RenderJob) -> Result<bool, DurableError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| DurableError::failure("Bind", e.to_string()))?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let request = RenderRequest {
        job: j.job.clone(),
        frames: j.frames,
        progress_url: format!("http://127.0.0.1:{port}/progress"),
    };
    drop(listener);
    let r: Result<bool, DurableError> = ctx.invoke("render", "video-renderer", request).await;
    match r {
        Err(e) if e.is_fatal() => Err(e),
        other => Ok(other.unwrap_or(false)),
    }
}

fn main() {}
