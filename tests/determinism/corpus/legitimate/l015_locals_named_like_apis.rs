//! category: look-alike-names
//! input: {"patient": "p-7", "doses": 3, "interval_hours": 8}
//! summary: a local Duration named `sleep`, fns named `now` and `random` (pure), a closure named `spawn`, and a variable `env`; none touch the clock, entropy or the environment
use durable_runtime::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Regimen {
    pub patient: String,
    pub doses: u32,
    pub interval_hours: u64,
}

/// The dose's nominal hour, relative to the start of the regimen.
fn now(dose: u32, interval_hours: u64) -> u64 {
    u64::from(dose) * interval_hours
}

/// A deterministic "random" reminder phrasing, picked from the patient id.
fn random(seed: &str, choices: &[&'static str]) -> &'static str {
    let h = seed.bytes().fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(usize::from(b)));
    choices[h % choices.len()]
}

pub struct Env {
    pub region: &'static str,
}

#[durable_workflow]
pub async fn legit_dose_reminders(ctx: DurableContext, r: Regimen) -> Result<String, DurableError> {
    let env = Env { region: "eu" };
    let sleep = Duration::from_secs(r.interval_hours * 3600);
    let phrase = random(&r.patient, &["time for your dose", "dose reminder", "please take your medicine"]);
    let spawn = |dose: u32| format!("{}-{}-dose-{dose}-at-h{}", env.region, r.patient, now(dose, r.interval_hours));
    for dose in 0..r.doses {
        let text = phrase.to_owned();
        ctx.step(spawn(dose), move |_| async move { Ok::<_, String>(text) }).await?;
        if dose + 1 < r.doses {
            ctx.wait(format!("between-doses-{dose}"), sleep).await?;
        }
    }
    Ok(format!("{} doses scheduled", r.doses))
}

fn main() {}
