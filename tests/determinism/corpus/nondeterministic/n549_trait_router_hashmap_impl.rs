//! category: trait-method
//! replay: diverges
//! input: {"alert": "disk-full", "host": "db-3"}
//! summary: alert fan-out asks a NotificationRouter trait object for its channels; the impl walks a HashMap of channel -> webhook with .values(), so the notify steps follow hash order
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Alert {
    pub alert: String,
    pub host: String,
}

trait NotificationRouter: Send + Sync {
    fn targets(&self, alert: &str) -> Vec<String>;
}

struct StaticRouter {
    webhooks: HashMap<&'static str, &'static str>,
}

impl StaticRouter {
    fn production() -> Self {
        let webhooks = HashMap::from([
            ("slack", "hooks/slack-ops"),
            ("pagerduty", "hooks/pd-db"),
            ("email", "hooks/mail-dba"),
            ("teams", "hooks/teams-infra"),
            ("sms", "hooks/sms-oncall"),
        ]);
        StaticRouter { webhooks }
    }
}

impl NotificationRouter for StaticRouter {
    fn targets(&self, _alert: &str) -> Vec<String> {
        self.webhooks.values().map(|w| w.to_string()).collect()
    }
}

#[durable_workflow]
pub async fn hx_fan_out_alert(ctx: DurableContext, alert: Alert) -> Result<usize, DurableError> {
    let router: Box<dyn NotificationRouter> = Box::new(StaticRouter::production());
    let host = alert.host.clone();
    ctx.step("snapshot-metrics", move |_| async move { Ok::<_, String>(host) }).await?;
    let mut sent = 0;
    for target in router.targets(&alert.alert) {
        let text = format!("{} on {}", alert.alert, alert.host);
        ctx.step(format!("notify-{target}"), move |_| async move { Ok::<_, String>(text) }).await?;
        sent += 1;
    }
    Ok(sent)
}

fn main() {}
