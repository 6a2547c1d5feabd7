//! category: clock
//! replay: diverges
//! input: {"user_id": "u-77", "role": "admin", "granted_by": "u-1"}
//! summary: access grant stamps its audit event with time::OffsetDateTime::now_utc() (nanoseconds) read in the body and sends it as the chained invoke's input
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoleGrant {
    pub user_id: String,
    pub role: String,
    pub granted_by: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEvent {
    pub actor: String,
    pub subject: String,
    pub action: String,
    pub at_unix_nanos: i128,
}

#[durable_workflow]
pub async fn hx_grant_role_with_audit(ctx: DurableContext, grant: RoleGrant) -> Result<String, DurableError> {
    let (user, role) = (grant.user_id.clone(), grant.role.clone());
    let applied: bool = ctx
        .step("apply-role", move |_| async move { Ok::<_, String>(!user.is_empty() && role != "root") })
        .await?;
    if !applied {
        return Ok("rejected".into());
    }
    let event = AuditEvent {
        actor: grant.granted_by.clone(),
        subject: grant.user_id.clone(),
        action: format!("grant:{}", grant.role),
        at_unix_nanos: OffsetDateTime::now_utc().unix_timestamp_nanos(),
    };
    let recorded: Result<serde_json::Value, DurableError> =
        ctx.invoke("record-audit", "audit-log-writer", event).await;
    match recorded {
        Ok(_) => Ok("granted".into()),
        Err(e) => {
            ctx.logger().warn(format!("audit writer unavailable: {e}"));
            let user = grant.user_id.clone();
            ctx.step("queue-audit-retry", move |_| async move { Ok::<_, String>(user) })
                .await?;
            Ok("granted (audit queued)".into())
        }
    }
}

fn main() {}
