//! category: macro-rules
//! replay: diverges
//! input: {"ticket": 2001, "assignee": "sam"}
//! summary: an `event!(kind, ..)` macro builds a serde_json event with an "id" from uuid::Uuid::now_v7(); the body invokes the event bus with it
use durable_runtime::prelude::*;
use serde::Deserialize;

macro_rules! event {
    ($kind:literal, $($key:literal => $value:expr),* $(,)?) => {
        serde_json::json!({
            "id": uuid::Uuid::now_v7().to_string(),
            "kind": $kind,
            $($key: $value),*
        })
    };
}

#[derive(Debug, Clone, Deserialize)]
pub struct Assignment {
    pub ticket: u64,
    pub assignee: String,
}

#[durable_workflow]
pub async fn macro_publish_assignment(ctx: DurableContext, a: Assignment) -> Result<bool, DurableError> {
    let ev = event!("ticket.assigned", "ticket" => a.ticket, "assignee" => a.assignee.clone());
    let published: Result<serde_json::Value, DurableError> = ctx.invoke("publish", "event-bus", ev).await;
    match published {
        Err(e) if e.is_fatal() => Err(e),
        other => Ok(other.is_ok()),
    }
}

fn main() {}
