//! category: legit-join
//! input: {"user_id": "u-55", "email": "sam@example.com"}
//! summary: account deletion runs three independent cleanup steps concurrently with futures::join! (fixed operation ids, result tuple in argument order) and then a grace-period wait
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::future::IntoFuture;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deletion {
    pub user_id: String,
    pub email: String,
}

#[durable_workflow]
pub async fn hx_legit_delete_account(ctx: DurableContext, req: Deletion) -> Result<String, DurableError> {
    let (u1, u2, email) = (req.user_id.clone(), req.user_id.clone(), req.email.clone());
    let (files, sessions, marketing) = futures::join!(
        ctx.step("purge-files", move |_| async move { Ok::<_, String>(u1.len() as u32 * 3) }).into_future(),
        ctx.step("revoke-sessions", move |_| async move { Ok::<_, String>(u2.len() as u32) }).into_future(),
        ctx.step("unsubscribe", move |_| async move { Ok::<_, String>(email.contains('@')) }).into_future(),
    );
    let (files, sessions, marketing) = (files?, sessions?, marketing?);
    ctx.wait("legal-grace-period", Duration::from_secs(30 * 24 * 3600)).await?;
    let user = req.user_id.clone();
    ctx.step("hard-delete", move |_| async move { Ok::<_, String>(user) }).await?;
    Ok(format!("files={files} sessions={sessions} unsubscribed={marketing}"))
}

fn main() {}
