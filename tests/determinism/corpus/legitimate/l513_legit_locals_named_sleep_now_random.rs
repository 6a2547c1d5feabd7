//! category: legit-lookalike-names
//! input: {"patient_id": "pt-4", "medication": "amoxicillin", "doses": 3, "interval_hours": 8}
//! summary: medication reminders use locals named sleep, now and random (a Duration from the input, ctx.now(), ctx.random_u64()) and a helper fn named random_slot that is pure
use durable_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Prescription {
    pub patient_id: String,
    pub medication: String,
    pub doses: u32,
    pub interval_hours: u64,
}

/// Deterministic: picks a nurse slot from a recorded random number.
fn random_slot(random: u64, slots: usize) -> usize {
    (random % slots as u64) as usize
}

#[durable_workflow]
pub async fn hx_legit_medication_reminders(ctx: DurableContext, rx: Prescription) -> Result<String, DurableError> {
    let sleep = Duration::from_secs(rx.interval_hours * 3600);
    let now = ctx.now().await?;
    let random = ctx.random_u64().await?;
    let nurse = ["ward-a", "ward-b", "ward-c"][random_slot(random, 3)];

    for dose in 0..rx.doses {
        let (patient, med) = (rx.patient_id.clone(), rx.medication.clone());
        ctx.step(format!("remind-dose-{dose}"), move |_| async move {
            Ok::<_, String>(format!("{patient}: {med}, escalate to {nurse}"))
        })
        .await?;
        if dose + 1 < rx.doses {
            ctx.wait(format!("interval-{dose}"), sleep).await?;
        }
    }
    let started = now.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let patient = rx.patient_id.clone();
    ctx.step("close-schedule", move |_| async move { Ok::<_, String>(format!("{patient} since {started}")) })
        .await?;
    Ok(format!("{} doses scheduled", rx.doses))
}

fn main() {}
