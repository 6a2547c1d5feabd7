//! category: combinators
//! input: {"user": "u-3"}
//! summary: awaits durable steps together with futures::join! and futures::try_join! (ids are taken when the steps are created)
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::future::IntoFuture;

#[derive(Debug, Clone, Deserialize)]
pub struct Offboard {
    pub user: String,
}

#[durable_workflow]
pub async fn legit_offboard_user(ctx: DurableContext, o: Offboard) -> Result<String, DurableError> {
    let (u1, u2, u3, u4) = (o.user.clone(), o.user.clone(), o.user.clone(), o.user.clone());
    let (files, sessions) = futures::join!(
        ctx.step("archive-files", move |_| async move { Ok::<_, String>(u1.len() as u32 * 4) }).into_future(),
        ctx.step("revoke-sessions", move |_| async move { Ok::<_, String>(u2.len() as u32) }).into_future(),
    );
    let (files, sessions): (u32, u32) = (files?, sessions?);
    let (mail, groups): (bool, u32) = futures::try_join!(
        ctx.step("disable-mailbox", move |_| async move { Ok::<_, String>(!u3.is_empty()) }).into_future(),
        ctx.step("remove-from-groups", move |_| async move { Ok::<_, String>(u4.len() as u32 + 1) }).into_future(),
    )?;
    Ok(format!("files={files} sessions={sessions} mail={mail} groups={groups}"))
}

fn main() {}
