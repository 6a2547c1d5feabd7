//! category: global-state
//! replay: diverges
//! input: {"user": "u-77", "campaign": "spring-sale"}
//! summary: remembers who already got the campaign mail in a thread_local! RefCell<HashSet>; later runs on the same thread skip the send step
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::HashSet;

thread_local! {
    static MAILED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

#[derive(Debug, Clone, Deserialize)]
pub struct Campaign {
    pub user: String,
    pub campaign: String,
}

#[durable_workflow]
pub async fn global_mail_campaign(ctx: DurableContext, c: Campaign) -> Result<bool, DurableError> {
    let key = format!("{}/{}", c.campaign, c.user);
    let first_time = MAILED.with(|m| m.borrow_mut().insert(key));
    if first_time {
        let user = c.user.clone();
        ctx.step("send-campaign-mail", move |_| async move { Ok::<_, String>(user) })
            .await?;
    }
    Ok(first_time)
}

fn main() {}
