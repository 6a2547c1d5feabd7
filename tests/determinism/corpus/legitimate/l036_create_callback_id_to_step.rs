//! category: callback
//! input: {"document": "nda-4", "signer": "eve@example.invalid"}
//! callback: signed = {"ok": true}
//! summary: ctx.create_callback, hands its id to a step that writes it to a temp file, then awaits the result
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Signing {
    pub document: String,
    pub signer: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signed {
    pub ok: bool,
}

#[durable_workflow]
pub async fn legit_collect_signature(ctx: DurableContext, s: Signing) -> Result<bool, DurableError> {
    let callback = ctx
        .create_callback::<Signed>("signed")
        .timeout(Duration::from_secs(14 * 24 * 3600))
        .await?;
    let id = callback.id().to_owned();
    let doc = s.document.clone();
    ctx.step("email-signer", move |_| async move {
        let outbox = std::env::temp_dir().join(format!("durable-determinism-l036-{doc}.link"));
        std::fs::write(outbox, id).map_err(|e| e.to_string())
    })
    .await?;
    let signed = callback.result().await?;
    Ok(signed.ok)
}

fn main() {}
