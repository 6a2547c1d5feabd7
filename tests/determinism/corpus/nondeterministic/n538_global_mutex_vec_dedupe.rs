//! category: global-state
//! replay: diverges
//! input: {"event_id": "evt-1234", "webhook": "order.paid", "payload_size": 512}
//! summary: webhook consumer dedupes events through a static Mutex<Vec<String>> of seen ids checked in the body; on the second run the event counts as a duplicate and the processing steps are skipped
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookEvent {
    pub event_id: String,
    pub webhook: String,
    pub payload_size: u32,
}

static SEEN_EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn first_delivery(event_id: &str) -> bool {
    let mut seen = SEEN_EVENTS.lock().unwrap_or_else(|p| p.into_inner());
    if seen.iter().any(|e| e == event_id) {
        return false;
    }
    seen.push(event_id.to_owned());
    true
}

#[durable_workflow]
pub async fn hx_consume_webhook(ctx: DurableContext, event: WebhookEvent) -> Result<String, DurableError> {
    if !first_delivery(&event.event_id) {
        ctx.logger().info(format!("duplicate delivery of {}", event.event_id));
        return Ok("duplicate".into());
    }
    let kind = event.webhook.clone();
    let handler: String = ctx
        .step("route-event", move |_| async move { Ok::<_, String>(kind.replace('.', "-")) })
        .await?;
    let size = event.payload_size;
    ctx.step(format!("handle-{handler}"), move |_| async move { Ok::<_, String>(size) }).await?;
    Ok("processed".into())
}

fn main() {}
