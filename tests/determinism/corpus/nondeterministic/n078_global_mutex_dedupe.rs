//! category: global-state
//! replay: diverges
//! input: {"event_id": "evt-1", "payload": "user signed up"}
//! summary: dedupes webhook events with a static Mutex<Vec<String>> of seen ids; the first run records the id, so later runs skip the processing step
use durable_runtime::prelude::*;
use serde::Deserialize;
use std::sync::Mutex;

static SEEN_EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[derive(Debug, Clone, Deserialize)]
pub struct Webhook {
    pub event_id: String,
    pub payload: String,
}

#[durable_workflow]
pub async fn global_handle_webhook(ctx: DurableContext, w: Webhook) -> Result<&'static str, DurableError> {
    let duplicate = {
        let mut seen = SEEN_EVENTS.lock().unwrap_or_else(|p| p.into_inner());
        if seen.contains(&w.event_id) {
            true
        } else {
            seen.push(w.event_id.clone());
            false
        }
    };
    if duplicate {
        return Ok("duplicate");
    }
    let payload = w.payload.clone();
    ctx.step("process-event", move |_| async move { Ok::<_, String>(payload) }).await?;
    Ok("processed")
}

fn main() {}
