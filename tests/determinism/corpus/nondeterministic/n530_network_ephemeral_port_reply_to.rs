//! category: network
//! replay: diverges
//! input: {"scan_id": "scan-41", "target": "10.0.0.0/24"}
//! summary: vulnerability scan binds a local TcpListener on 127.0.0.1:0 in the body to get a reply-to port and sends that port in the chained invoke's input; the OS picks a different port each run
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanRequest {
    pub scan_id: String,
    pub target: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScannerInput {
    pub scan_id: String,
    pub target: String,
    pub reply_to: String,
}

#[durable_workflow]
pub async fn hx_dispatch_network_scan(ctx: DurableContext, req: ScanRequest) -> Result<String, DurableError> {
    let target = req.target.clone();
    let allowed: bool = ctx
        .step("check-scope", move |_| async move { Ok::<_, String>(target.starts_with("10.")) })
        .await?;
    if !allowed {
        return Ok("out of scope".into());
    }

    let reply_to = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener.local_addr().map(|a| a.to_string()).unwrap_or_default(),
        Err(_) => String::from("127.0.0.1:0"),
    };
    let input = ScannerInput { scan_id: req.scan_id.clone(), target: req.target.clone(), reply_to };
    let report: Result<String, DurableError> = ctx.invoke("run-scanner", "vuln-scanner", input).await;
    Ok(report.unwrap_or_else(|e| format!("scanner failed: {e}")))
}

fn main() {}
