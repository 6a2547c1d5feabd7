//! category: global-state
//! replay: diverges
//! input: {"order_id": "o-9001", "carrier": "ups", "packages": 2}
//! summary: shipping keeps a process-wide static AtomicU64 label counter; fetch_add in the body numbers the label, which names the label step and is returned (the counter survives between runs)
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShipRequest {
    pub order_id: String,
    pub carrier: String,
    pub packages: u32,
}

static NEXT_LABEL: AtomicU64 = AtomicU64::new(100_000);

fn next_label_number() -> u64 {
    NEXT_LABEL.fetch_add(1, Ordering::Relaxed)
}

#[durable_workflow]
pub async fn hx_create_shipment_label(ctx: DurableContext, req: ShipRequest) -> Result<String, DurableError> {
    let order = req.order_id.clone();
    ctx.step("reserve-pickup", move |_| async move { Ok::<_, String>(order) }).await?;

    let label_no = next_label_number();
    let (carrier, packages) = (req.carrier.clone(), req.packages);
    let tracking: String = ctx
        .step(format!("print-label-{label_no}"), move |_| async move {
            Ok::<_, String>(format!("{carrier}-{label_no}-{packages}"))
        })
        .await?;
    ctx.wait("handover-window", Duration::from_secs(4 * 3600)).await?;
    Ok(tracking)
}

fn main() {}
