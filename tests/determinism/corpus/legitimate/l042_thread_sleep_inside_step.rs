//! category: io-in-step
//! input: {"device": "printer-3", "pages": 2}
//! summary: a step body blocks with std::thread::sleep and awaits tokio::time::sleep while talking to a slow device; the workflow waits with ctx.wait
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct PrintJob {
    pub device: String,
    pub pages: u32,
}

#[durable_workflow]
pub async fn legit_print_job(ctx: DurableContext, p: PrintJob) -> Result<u32, DurableError> {
    let pages = p.pages;
    let printed: u32 = ctx
        .step(format!("print-on-{}", p.device), move |_| async move {
            std::thread::sleep(std::time::Duration::from_millis(3));
            tokio::time::sleep(std::time::Duration::from_millis(3)).await;
            Ok::<_, String>(pages)
        })
        .await?;
    ctx.wait("let-the-toner-cool", Duration::from_secs(120)).await?;
    Ok(printed)
}

fn main() {}
