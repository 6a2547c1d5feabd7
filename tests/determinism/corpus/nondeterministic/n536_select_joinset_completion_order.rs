//! category: concurrency-select
//! replay: diverges
//! input: {"batch": "kyc-0607", "documents": ["passport", "utility-bill", "selfie", "bank-statement", "tax-id"]}
//! summary: KYC verification fingerprints each document on a tokio JoinSet (spawn_blocking: the hashing is CPU-bound) and verifies them in join_next() completion order, so the verify steps are created in whatever order the threads finish
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use tokio::task::JoinSet;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KycBatch {
    pub batch: String,
    pub documents: Vec<String>,
}

fn fingerprint(doc: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    for round in 0..40_000u32 {
        (doc, round).hash(&mut hasher);
    }
    hasher.finish()
}

#[durable_workflow]
pub async fn hx_verify_kyc_documents(ctx: DurableContext, input: KycBatch) -> Result<Vec<String>, DurableError> {
    let mut hashing = JoinSet::new();
    for doc in &input.documents {
        let d = doc.clone();
        hashing.spawn_blocking(move || {
            let fp = fingerprint(&d);
            (d, fp)
        });
    }
    let mut verified = Vec::new();
    while let Some(joined) = hashing.join_next().await {
        let (doc, fp) = joined.map_err(|e| DurableError::failure("HashingPanicked", e.to_string()))?;
        let d = doc.clone();
        ctx.step(format!("verify-{doc}"), move |_| async move { Ok::<_, String>(format!("{d}:{fp:016x}")) })
            .await?;
        verified.push(doc);
    }
    let batch = input.batch.clone();
    let n = verified.len();
    ctx.step("kyc-summary", move |_| async move { Ok::<_, String>(format!("{batch}: {n}")) }).await?;
    Ok(verified)
}

fn main() {}
