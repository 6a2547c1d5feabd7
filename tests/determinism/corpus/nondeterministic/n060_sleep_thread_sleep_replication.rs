//! category: sleeping
//! replay: same
//! input: {"user_id": "u-5", "new_email": "ada@example.invalid"}
//! summary: blocks with std::thread::sleep between two steps "to let the replica catch up" instead of a durable wait; the operations are the same every run
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct EmailChange {
    pub user_id: String,
    pub new_email: String,
}

#[durable_workflow]
pub async fn sleep_change_email(ctx: DurableContext, c: EmailChange) -> Result<String, DurableError> {
    let email = c.new_email.clone();
    ctx.step("write-primary", move |_| async move { Ok::<_, String>(email) }).await?;
    std::thread::sleep(std::time::Duration::from_millis(15));
    let user = c.user_id.clone();
    ctx.step("read-replica", move |_| async move { Ok::<_, String>(user) }).await
}

fn main() {}
