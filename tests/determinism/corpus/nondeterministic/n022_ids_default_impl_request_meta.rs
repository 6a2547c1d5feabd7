//! category: ids
//! replay: diverges
//! input: {"document": "contract-88", "signers": ["ana@example.invalid", "bo@example.invalid"]}
//! summary: a RequestMeta::default() whose Default impl calls Uuid::new_v4(), built in the body and sent with the invoke payload
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct SignRequest {
    pub document: String,
    pub signers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestMeta {
    pub request_id: String,
    pub source: &'static str,
}

impl Default for RequestMeta {
    fn default() -> Self {
        RequestMeta {
            request_id: uuid::Uuid::new_v4().to_string(),
            source: "signing-workflow",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Envelope {
    pub meta: RequestMeta,
    pub document: String,
    pub signer: String,
}

#[durable_workflow]
pub async fn ids_send_for_signature(ctx: DurableContext, req: SignRequest) -> Result<u32, DurableError> {
    let mut sent = 0;
    for (i, signer) in req.signers.iter().enumerate() {
        let envelope = Envelope {
            meta: RequestMeta::default(),
            document: req.document.clone(),
            signer: signer.clone(),
        };
        let r: Result<serde_json::Value, DurableError> =
            ctx.invoke(format!("envelope-{i}"), "esign-send", envelope).await;
        if let Err(e) = &r {
            if e.is_fatal() {
                return Err(e.clone());
            }
        } else {
            sent += 1;
        }
    }
    Ok(sent)
}

fn main() {}
