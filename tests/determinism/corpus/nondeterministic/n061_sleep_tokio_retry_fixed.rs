//! category: sleeping
//! replay: same
//! input: {"shipment": "s-88", "carrier": "gls"}
//! summary: retries label creation three times with tokio::time::sleep between attempts in the body; the step outcomes decide, not the sleep
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct LabelJob {
    pub shipment: String,
    pub carrier: String,
}

#[durable_workflow]
pub async fn sleep_create_label(ctx: DurableContext, l: LabelJob) -> Result<Option<String>, DurableError> {
    for attempt in 1..=3u32 {
        let carrier = l.carrier.clone();
        let label: Option<String> = ctx
            .step(format!("create-label-{attempt}"), move |_| async move {
                Ok::<_, String>((attempt == 2).then(|| format!("{carrier}-label")))
            })
            .await?;
        if label.is_some() {
            return Ok(label);
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    Ok(None)
}

fn main() {}
