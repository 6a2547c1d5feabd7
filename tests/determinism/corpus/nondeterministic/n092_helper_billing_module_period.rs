//! category: helper-fn
//! replay: diverges
//! input: {"subscriber": "s-12", "plan_cents": 1500}
//! summary: `billing::current_period()` in a nested module derives the billing period key from time::OffsetDateTime::now_utc() with nanoseconds; the body sends it in the invoke payload
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

mod billing {
    pub fn current_period() -> String {
        let now = time::OffsetDateTime::now_utc();
        format!("{}-{:02}#{}", now.year(), u8::from(now.month()), now.nanosecond())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Renewal {
    pub subscriber: String,
    pub plan_cents: u64,
}

#[derive(Debug, Serialize)]
pub struct UsageCharge {
    pub subscriber: String,
    pub period: String,
    pub cents: u64,
}

#[durable_workflow]
pub async fn helper_bill_period(ctx: DurableContext, r: Renewal) -> Result<String, DurableError> {
    let charge = UsageCharge {
        subscriber: r.subscriber.clone(),
        period: billing::current_period(),
        cents: r.plan_cents,
    };
    let period = charge.period.clone();
    let _ = ctx.invoke::<_, serde_json::Value>("charge-period", "billing-charge", charge).await;
    Ok(period)
}

fn main() {}
