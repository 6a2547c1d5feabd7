//! category: fs
//! replay: diverges
//! input: {"order_id": 4242, "email": "ada@example.invalid"}
//! summary: skips the welcome-mail step when a local marker file (Path::exists) says it was sent; the first run creates the marker, so replays skip the step
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
pub struct NewCustomer {
    pub order_id: u64,
    pub email: String,
}

#[durable_workflow]
pub async fn fs_welcome_once(ctx: DurableContext, c: NewCustomer) -> Result<bool, DurableError> {
    let marker_name = format!("durable-determinism-n048-{}-{}.sent", std::process::id(), c.order_id);
    let marker = std::env::temp_dir().join(marker_name);
    let already_sent = Path::new(&marker).exists();
    if !already_sent {
        let email = c.email.clone();
        ctx.step("send-welcome-mail", move |_| async move { Ok::<_, String>(email) })
            .await?;
        let _ = std::fs::write(&marker, b"sent");
    }
    ctx.step("create-account", move |_| async move { Ok::<_, String>(()) })
        .await?;
    Ok(!already_sent)
}

fn main() {}
