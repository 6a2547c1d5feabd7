//! category: helper-fn
//! replay: diverges
//! input: {"account": "acct-3", "limit_cents": 500000}
//! summary: `util::request_id()` in an inline module wraps Uuid::new_v4(); the body puts it in the invoke payload
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

mod util {
    pub fn request_id() -> String {
        format!("req_{}", uuid::Uuid::new_v4().simple())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct CreditLimit {
    pub account: String,
    pub limit_cents: u64,
}

#[derive(Debug, Serialize)]
pub struct LimitChange {
    pub request_id: String,
    pub account: String,
    pub limit_cents: u64,
}

#[durable_workflow]
pub async fn helper_raise_limit(ctx: DurableContext, c: CreditLimit) -> Result<bool, DurableError> {
    let change = LimitChange {
        request_id: util::request_id(),
        account: c.account.clone(),
        limit_cents: c.limit_cents,
    };
    match ctx.invoke::<_, bool>("apply-limit", "ledger-limits", change).await {
        Err(e) if e.is_fatal() => Err(e),
        other => Ok(other.unwrap_or(false)),
    }
}

fn main() {}
