//! category: sleeping
//! replay: diverges
//! input: {"documents": ["contract", "invoice", "receipt", "memo", "letter", "offer"]}
//! summary: gives each OCR call 1 ms with tokio::time::timeout around spawn_blocking work of about 1 ms, and records which timed out in step names
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::time::Duration as StdDuration;

#[derive(Debug, Clone, Deserialize)]
pub struct OcrBatch {
    pub documents: Vec<String>,
}

fn fake_ocr(doc: &str) -> usize {
    std::thread::sleep(StdDuration::from_micros(900));
    doc.len()
}

#[durable_workflow]
pub async fn sleep_ocr_with_deadline(ctx: DurableContext, b: OcrBatch) -> Result<u32, DurableError> {
    let mut slow = 0;
    for doc in b.documents {
        let d = doc.clone();
        let work = tokio::task::spawn_blocking(move || fake_ocr(&d));
        let name = match tokio::time::timeout(StdDuration::from_millis(1), work).await {
            Ok(Ok(_)) => format!("index-{doc}"),
            _ => {
                slow += 1;
                format!("queue-slow-ocr-{doc}")
            }
        };
        ctx.step(name, |_| async { Ok::<_, String>(()) }).await?;
    }
    Ok(slow)
}

fn main() {}
