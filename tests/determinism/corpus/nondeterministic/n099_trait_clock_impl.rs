//! category: trait-method
//! replay: diverges
//! input: {"loan": "l-5", "principal_cents": 1000000}
//! summary: a `Clock` trait whose SystemClock impl reads SystemTime::now(); the body calls `clock.now_nanos()` and names the accrual step with it
use durable_runtime::prelude::*;
use serde::Deserialize;

pub trait Clock {
    fn now_nanos(&self) -> u128;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_nanos(&self) -> u128 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Loan {
    pub loan: String,
    pub principal_cents: u64,
}

#[durable_workflow]
pub async fn trait_accrue_interest(ctx: DurableContext, l: Loan) -> Result<u64, DurableError> {
    let clock = SystemClock;
    let p = l.principal_cents;
    ctx.step(format!("accrue-{}-{}", l.loan, clock.now_nanos()), move |_| async move { Ok::<_, String>(p / 100) })
        .await
}

fn main() {}
