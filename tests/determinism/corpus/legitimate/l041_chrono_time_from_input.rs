//! category: look-alike-time
//! input: {"due": "2026-12-01T09:00:00Z", "created_unix": 1764576000, "remind_days_before": 3}
//! summary: parses dates from the input with chrono (DateTime::parse_from_rfc3339, NaiveDate) and the time crate (OffsetDateTime::from_unix_timestamp) and does arithmetic on them only
use chrono::{DateTime, Datelike, Duration as ChronoDuration, NaiveDate};
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Reminder {
    pub due: String,
    pub created_unix: i64,
    pub remind_days_before: i64,
}

#[durable_workflow]
pub async fn legit_plan_reminder(ctx: DurableContext, r: Reminder) -> Result<String, DurableError> {
    let bad = |e: String| DurableError::failure("BadDate", e);
    let due = DateTime::parse_from_rfc3339(&r.due).map_err(|e| bad(e.to_string()))?;
    let remind_at = due - ChronoDuration::days(r.remind_days_before);
    let created = time::OffsetDateTime::from_unix_timestamp(r.created_unix).map_err(|e| bad(e.to_string()))?;
    let quarter_start = NaiveDate::from_ymd_opt(due.year(), ((due.month() - 1) / 3) * 3 + 1, 1).ok_or_else(|| bad("date".into()))?;
    let lead_secs = (remind_at.timestamp() - created.unix_timestamp()).max(1) as u64;
    ctx.wait("until-reminder", Duration::from_secs(lead_secs.min(300 * 24 * 3600))).await?;
    let text = format!("due {} (quarter from {quarter_start})", due.format("%Y-%m-%d"));
    let t = text.clone();
    ctx.step("send-reminder", move |_| async move { Ok::<_, String>(t) }).await?;
    Ok(text)
}

fn main() {}
