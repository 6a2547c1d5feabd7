//! category: clock
//! replay: diverges
//! input: {"user_id": "u-42", "plan": "pro"}
//! summary: schedules a renewal reminder through ctx.invoke with a run_at computed from chrono::Utc::now() in the body
use chrono::{Duration as ChronoDuration, Utc};
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Subscription {
    pub user_id: String,
    pub plan: String,
}

#[derive(Debug, Serialize)]
pub struct ReminderRequest {
    pub user_id: String,
    pub run_at: String,
}

#[durable_workflow]
pub async fn clock_schedule_renewal(ctx: DurableContext, sub: Subscription) -> Result<String, DurableError> {
    let activated: bool = ctx
        .step("activate-plan", {
            let plan = sub.plan.clone();
            move |_| async move { Ok::<_, String>(plan != "free") }
        })
        .await?;
    if !activated {
        return Ok("free plan: nothing to renew".into());
    }
    let run_at = Utc::now() + ChronoDuration::days(30);
    let request = ReminderRequest {
        user_id: sub.user_id.clone(),
        run_at: run_at.to_rfc3339(),
    };
    let scheduled: Result<String, DurableError> = ctx
        .invoke("schedule-reminder", "reminder-scheduler", request)
        .await;
    Ok(match scheduled {
        Ok(id) => format!("reminder {id}"),
        Err(e) => format!("scheduler unavailable: {}", e.error_object().type_name()),
    })
}

fn main() {}
