//! category: global-state
//! replay: diverges
//! input: {"model": "fraud-v3", "transaction": 512}
//! summary: runs a warm-up step only on a cold start, tracked by a static AtomicBool
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::sync::atomic::{AtomicBool, Ordering};

static WARM: AtomicBool = AtomicBool::new(false);

#[derive(Debug, Clone, Deserialize)]
pub struct Score {
    pub model: String,
    pub transaction: u64,
}

#[durable_workflow]
pub async fn global_score_transaction(ctx: DurableContext, s: Score) -> Result<u64, DurableError> {
    if !WARM.swap(true, Ordering::SeqCst) {
        let model = s.model.clone();
        ctx.step("load-model", move |_| async move { Ok::<_, String>(model) }).await?;
    }
    let tx = s.transaction;
    ctx.step("score", move |_| async move { Ok::<_, String>(tx % 97) }).await
}

fn main() {}
