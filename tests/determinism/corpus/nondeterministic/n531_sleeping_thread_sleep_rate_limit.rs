//! category: sleeping
//! replay: same
//! input: {"list_id": "newsletter-june", "recipients": ["a@x.test", "b@x.test", "c@x.test"]}
//! summary: newsletter send paces the partner API with std::thread::sleep(10 ms) between send steps in the body instead of a durable wait (blocks the executor; replays sleep again)
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::thread;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Newsletter {
    pub list_id: String,
    pub recipients: Vec<String>,
}

const PARTNER_MIN_INTERVAL: Duration = Duration::from_millis(10);

#[durable_workflow]
pub async fn hx_send_newsletter(ctx: DurableContext, letter: Newsletter) -> Result<usize, DurableError> {
    let list = letter.list_id.clone();
    ctx.step("render-newsletter", move |_| async move { Ok::<_, String>(list) }).await?;
    let mut sent = 0;
    for (i, to) in letter.recipients.iter().enumerate() {
        let to = to.clone();
        let accepted: bool = ctx
            .step(format!("send-{i}"), move |_| async move { Ok::<_, String>(to.contains('@')) })
            .await?;
        if accepted {
            sent += 1;
        }
        thread::sleep(PARTNER_MIN_INTERVAL);
    }
    Ok(sent)
}

fn main() {}
