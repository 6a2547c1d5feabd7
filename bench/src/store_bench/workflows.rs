//! The two workflows the store benchmark runs, and the exact checks of their records.
//! Step bodies are trivial: what is measured is the engine and the store.

use durable_runtime::local::{ExecutionRecord, ExecutionStatus, Store};
use durable_runtime::prelude::*;
use durable_runtime::wire::{OperationStatus, OperationType};
use serde::{Deserialize, Serialize};

/// The registered name of [`store_steps`].
pub const STEPS: &str = "store-steps";
/// The registered name of [`store_suspend`].
pub const SUSPEND: &str = "store-suspend";

/// Input of [`store_steps`]: `n` steps, step `i` returning `base + i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepsInput {
    /// How many steps.
    pub n: u32,
    /// What step 0 returns.
    pub base: u64,
}

/// `n` sequential steps `step-{i}`, each returning `base + i`; the result is their sum.
#[durable_workflow(name = "store-steps")]
pub async fn store_steps(ctx: DurableContext, input: StepsInput) -> Result<u64, DurableError> {
    let mut sum = 0_u64;
    for i in 0..input.n {
        let value = input.base + u64::from(i);
        let got: u64 = ctx
            .step(format!("step-{i}"), move |_| async move {
                Ok::<_, DurableError>(value)
            })
            .await?;
        sum += got;
    }
    Ok(sum)
}

/// What [`store_steps`] must return for `input`.
pub fn expected_sum(input: StepsInput) -> u64 {
    let n = u64::from(input.n);
    n * input.base + n * n.saturating_sub(1) / 2
}

/// Input of [`store_suspend`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspendInput {
    /// What the step `prepare` returns.
    pub id: u64,
}

/// One step `prepare` (returning the input's id), then a callback `approval` that nobody
/// answers: the execution stays suspended for as long as the benchmark holds it.
#[durable_workflow(name = "store-suspend")]
pub async fn store_suspend(ctx: DurableContext, input: SuspendInput) -> Result<u64, DurableError> {
    let id = input.id;
    let prepared: u64 = ctx
        .step("prepare", move |_| async move { Ok::<_, DurableError>(id) })
        .await?;
    let approval = ctx.create_callback::<u64>("approval").await?;
    let answer = approval.result().await?;
    Ok(prepared + answer)
}

/// Reads the record of `arn` in place and applies `verdict` to it.
fn judge(
    store: &dyn Store,
    arn: &str,
    verdict: impl Fn(&ExecutionRecord) -> Result<(), String>,
) -> Result<(), String> {
    let mut outcome = Err(format!("{arn}: the store did not lend the record"));
    store
        .read(arn, &mut |record| outcome = verdict(record))
        .map_err(|e| format!("{arn}: {e}"))?;
    outcome
}

/// Checks that execution `arn` of [`store_steps`] succeeded in one invocation with exactly
/// the expected sum and `n` succeeded steps.
pub fn check_steps(store: &dyn Store, arn: &str, input: StepsInput) -> Result<(), String> {
    judge(store, arn, |r| {
        if r.status != ExecutionStatus::Succeeded {
            return Err(format!("{arn}: {} (error: {:?})", r.status.as_str(), r.error));
        }
        let want = expected_sum(input);
        let text = r.result.as_deref().ok_or(format!("{arn}: no result"))?;
        let got: u64 = serde_json::from_str(text).map_err(|e| format!("{arn}: result {text:?}: {e}"))?;
        if got != want {
            return Err(format!("{arn}: result {got}, expected {want}"));
        }
        let steps = r
            .operations
            .iter()
            .filter(|o| o.operation_type == OperationType::Step && o.status == OperationStatus::Succeeded)
            .count();
        if steps != input.n as usize {
            return Err(format!("{arn}: {steps} succeeded steps, expected {}", input.n));
        }
        if r.invocations != 1 || r.failed_invocations != 0 {
            return Err(format!(
                "{arn}: {} invocations ({} failed), expected exactly 1",
                r.invocations, r.failed_invocations
            ));
        }
        Ok(())
    })
}

/// Checks that execution `arn` of [`store_suspend`] is suspended as it should be: running,
/// invoked once, no invocation open, the step `prepare` succeeded with `input.id`, and the
/// callback `approval` started and unanswered.
pub fn check_suspended(store: &dyn Store, arn: &str, input: SuspendInput) -> Result<(), String> {
    judge(store, arn, |r| {
        if r.status != ExecutionStatus::Running {
            return Err(format!("{arn}: {} (error: {:?})", r.status.as_str(), r.error));
        }
        if r.invocations != 1 || r.failed_invocations != 0 || r.token.is_some() {
            return Err(format!(
                "{arn}: {} invocations ({} failed, one open: {}), expected exactly 1, ended",
                r.invocations,
                r.failed_invocations,
                r.token.is_some()
            ));
        }
        let named = |name: &str| r.operations.iter().find(|o| o.name.as_deref() == Some(name));
        let step = named("prepare").ok_or(format!("{arn}: no step `prepare`"))?;
        let result = step.step_details.as_ref().and_then(|d| d.result.as_deref());
        let want = input.id.to_string();
        if step.operation_type != OperationType::Step
            || step.status != OperationStatus::Succeeded
            || result != Some(want.as_str())
        {
            return Err(format!(
                "{arn}: step `prepare` is {:?} {:?} with result {result:?}, expected a SUCCEEDED step with {want}",
                step.operation_type, step.status
            ));
        }
        let callback = named("approval").ok_or(format!("{arn}: no callback `approval`"))?;
        if callback.operation_type != OperationType::Callback || callback.status != OperationStatus::Started {
            return Err(format!(
                "{arn}: `approval` is {:?} {:?}, expected a STARTED callback",
                callback.operation_type, callback.status
            ));
        }
        if r.operations.len() != 3 {
            return Err(format!(
                "{arn}: {} operations, expected 3 (execution, step, callback)",
                r.operations.len()
            ));
        }
        Ok(())
    })
}
