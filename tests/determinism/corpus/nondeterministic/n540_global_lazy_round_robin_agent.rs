//! category: global-state
//! replay: diverges
//! input: {"chat_id": "chat-314", "language": "es", "topic": "refund"}
//! summary: live-chat routing assigns agents round-robin through a once_cell::sync::Lazy<Mutex<usize>> cursor advanced in the body; the agent names the handoff step and is returned
//! callback: chat-resolution = {"resolved": true}
use durable_runtime::prelude::*;
use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatRequest {
    pub chat_id: String,
    pub language: String,
    pub topic: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resolution {
    pub resolved: bool,
}

const AGENTS: [&str; 4] = ["lucia", "mateo", "sofia", "diego"];
static CURSOR: Lazy<Mutex<usize>> = Lazy::new(|| Mutex::new(0));

fn next_agent() -> &'static str {
    let mut cursor = CURSOR.lock().unwrap_or_else(|p| p.into_inner());
    let agent = AGENTS[*cursor % AGENTS.len()];
    *cursor += 1;
    agent
}

#[durable_workflow]
pub async fn hx_route_live_chat(ctx: DurableContext, chat: ChatRequest) -> Result<String, DurableError> {
    let topic = chat.topic.clone();
    let queue: String = ctx
        .step("classify-topic", move |_| async move { Ok::<_, String>(format!("{topic}-desk")) })
        .await?;
    let agent = next_agent();
    let chat_id = chat.chat_id.clone();
    ctx.step(format!("handoff-to-{agent}"), move |_| async move { Ok::<_, String>(format!("{chat_id}@{queue}")) })
        .await?;
    let resolution: Resolution = ctx
        .wait_for_callback("chat-resolution", |callback_id, s| async move {
            s.logger.info(format!("agent closes chat via {callback_id}"));
            Ok::<_, DurableError>(())
        })
        .timeout(Duration::from_secs(2 * 3600))
        .await?;
    Ok(format!("{agent}: resolved={}", resolution.resolved))
}

fn main() {}
