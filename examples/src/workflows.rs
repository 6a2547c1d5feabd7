//! The example workflows the `durable` binary registers.
//!
//! * [`onboarding`]: the quickstart's workflow (steps, a durable wait, a child context).
//! * [`crash_mix`]: the workload of the crash-safety test: steps that record a side effect
//!   (at-most-once and at-least-once), waits, a callback answered from outside and a map.
//! * [`sign_offs`]: callbacks answered by name (`durable callback succeed EXECUTION --name ..`),
//!   several of one name in map items.

use durable_runtime::prelude::*;
use durable_runtime::{BoxFuture, StepContext};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// What [`onboarding`] returns.
#[derive(Debug, Serialize, Deserialize)]
pub struct Welcome {
    /// The greeting.
    pub greeting: String,
    /// The account created.
    pub account: String,
    /// The checks that passed.
    pub checks: Vec<String>,
}

/// The quickstart's workflow, `onboarding`: input a name (`"Ada"`).
pub fn onboarding() -> impl Workflow<Input = String, Output = Welcome> {
    workflow_fn("onboarding", |ctx: DurableContext, name: String| async move {
        // Runs once; on every later invocation its result comes from the checkpoint.
        let account: String = ctx
            .step("create-account", {
                let name = name.clone();
                move |s| async move {
                    s.logger.info(format!("creating an account for {name}"));
                    Ok::<_, DurableError>(format!("acct-{}", name.to_lowercase()))
                }
            })
            .retry(RetryPresets::default_policy())
            .await?;

        // Suspends the execution: no compute is used while it waits.
        ctx.wait("cool-off", Duration::from_secs(2)).await?;

        // A child context groups operations under one name and one checkpointed result.
        let checks: Vec<String> = ctx
            .run_in_child_context("verify", |child: DurableContext| async move {
                let email: String = child
                    .step("check-email", |_| async {
                        Ok::<_, DurableError>("email ok".to_owned())
                    })
                    .await?;
                let phone: String = child
                    .step("check-phone", |_| async {
                        Ok::<_, DurableError>("phone ok".to_owned())
                    })
                    .await?;
                Ok(vec![email, phone])
            })
            .await?;

        let greeting: String = ctx
            .step("greet", move |_| async move {
                Ok::<_, DurableError>(format!("Welcome, {name}!"))
            })
            .await?;
        Ok(Welcome {
            greeting,
            account,
            checks,
        })
    })
}

/// Input of [`crash_mix`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CrashMixInput {
    /// The side-effect file: every step body appends `<arn> <step> <attempt>` to it.
    pub log: String,
    /// How long each step body works after recording its side effect (milliseconds).
    #[serde(default)]
    pub work_ms: u64,
}

/// Names of the [`crash_mix`] steps that run at most once per attempt.
pub const AT_MOST_ONCE_STEPS: [&str; 7] = [
    "reserve", "item-0", "item-1", "item-2", "item-3", "item-4", "ship",
];

/// A step body that records its run in the side-effect file (one `O_APPEND` write of one
/// line), works for `work_ms`, then returns a value unique to this run: were the body run
/// again and its new result checkpointed, the result would change.
fn effect(
    log: String,
    arn: String,
    work_ms: u64,
    step: &'static str,
) -> impl FnOnce(StepContext) -> BoxFuture<'static, Result<String, std::io::Error>> + Send + 'static {
    move |s: StepContext| {
        Box::pin(async move {
            let line = format!("{arn} {step} {}\n", s.attempt);
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)?
                .write_all(line.as_bytes())?;
            tokio::time::sleep(Duration::from_millis(work_ms)).await;
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default();
            Ok(format!("{step}-{}-{nanos:x}", s.attempt))
        })
    }
}

/// Retries for steps a crash may interrupt: many quick attempts.
fn crash_retries() -> RetryPolicy {
    RetryPolicy::exponential()
        .max_attempts(100)
        .initial_delay(Duration::from_secs(1))
        .max_delay(Duration::from_secs(1))
        .backoff_rate(1.0)
        .jitter(Jitter::None)
}

/// The crash test's workload, `crash-mix`: an at-most-once step, an at-least-once step, a
/// chained invoke of [`crash_audit`], a 1 s wait, a callback `approval` (answer it with a
/// JSON string), a map of 5 items each running an at-most-once step, a 2 s wait and a last
/// at-most-once step. Returns every step's result.
pub fn crash_mix() -> impl Workflow<Input = CrashMixInput, Output = serde_json::Value> {
    workflow_fn(
        "crash-mix",
        |ctx: DurableContext, input: CrashMixInput| async move {
            let arn = ctx.execution_arn().to_owned();
            let (log, work) = (input.log, input.work_ms);
            let reserve: String = ctx
                .step("reserve", effect(log.clone(), arn.clone(), work, "reserve"))
                .semantics(StepSemantics::AtMostOncePerRetry)
                .retry(crash_retries())
                .await?;
            let charge: String = ctx
                .step("charge", effect(log.clone(), arn.clone(), work, "charge"))
                .retry(crash_retries())
                .await?;
            // A chained invoke: an execution of `crash-audit` of its own.
            let audit: String = ctx
                .invoke(
                    "audit",
                    "crash-audit",
                    CrashMixInput {
                        log: log.clone(),
                        work_ms: work,
                    },
                )
                .await?;
            ctx.wait("settle", Duration::from_secs(1)).await?;
            let approval = ctx.create_callback::<String>("approval").await?;
            let approved: String = approval.result().await?;
            let items = {
                let (log, arn) = (log.clone(), arn.clone());
                ctx.map(
                    "items",
                    (0..5usize).collect(),
                    move |item: DurableContext, i: usize, _| {
                        let step = AT_MOST_ONCE_STEPS[1 + i];
                        let body = effect(log.clone(), arn.clone(), work, step);
                        async move {
                            item.step(step, body)
                                .semantics(StepSemantics::AtMostOncePerRetry)
                                .retry(crash_retries())
                                .await
                        }
                    },
                )
                .await?
            };
            let items: Vec<String> = items.results().into_iter().cloned().collect();
            ctx.wait("cool-down", Duration::from_secs(2)).await?;
            let ship: String = ctx
                .step("ship", effect(log.clone(), arn.clone(), work, "ship"))
                .semantics(StepSemantics::AtMostOncePerRetry)
                .retry(crash_retries())
                .await?;
            Ok(serde_json::json!({
                "reserve": reserve,
                "charge": charge,
            "audit": audit,
                "approval": approved,
                "items": items,
                "ship": ship,
            }))
        },
    )
}

/// The target of [`crash_mix`]'s chained invoke, `crash-audit`: one at-most-once step.
pub fn crash_audit() -> impl Workflow<Input = CrashMixInput, Output = String> {
    workflow_fn(
        "crash-audit",
        |ctx: DurableContext, input: CrashMixInput| async move {
            let arn = ctx.execution_arn().to_owned();
            ctx.step("audit", effect(input.log, arn, input.work_ms, "audit"))
                .semantics(StepSemantics::AtMostOncePerRetry)
                .retry(crash_retries())
                .await
        },
    )
}

/// The CLI's callbacks-by-name example, `sign-offs`: input a list of approvers
/// (`["ada","grace"]`). A map asks each approver to sign off (one `wait_for_callback` named
/// `sign-off` per item; the item contexts are named after the approvers), then one
/// `wait_for_callback` named `final-approval` waits for the final decision. Returns the
/// sign-offs and the decision.
///
/// ```text
/// durable start sign-offs --input '["ada","grace"]'
/// durable callback succeed 3f2a9c1b --name sign-offs/ada/sign-off --result '"ok"'
/// durable callback succeed 3f2a9c1b --name sign-offs/grace/sign-off --result '"ok"'
/// durable callback succeed 3f2a9c1b --name final-approval --result '{"approved":true}'
/// ```
pub fn sign_offs() -> impl Workflow<Input = Vec<String>, Output = serde_json::Value> {
    workflow_fn(
        "sign-offs",
        |ctx: DurableContext, approvers: Vec<String>| async move {
            let signed = ctx
                .map(
                    "sign-offs",
                    approvers,
                    |item: DurableContext, approver: String, _| async move {
                        // The submitter would hand the callback id to the approver; answered
                        // by name, nobody needs to copy it.
                        item.wait_for_callback("sign-off", move |_callback_id: String, s| async move {
                            s.logger.info(format!("asked {approver} to sign off"));
                            Ok::<_, DurableError>(())
                        })
                        .timeout(Duration::from_secs(7 * 24 * 3600))
                        .await
                    },
                )
                .item_namer(|approver: &String, _| approver.clone())
                .await?;
            let sign_offs: Vec<serde_json::Value> = signed.results().into_iter().cloned().collect();
            let decision: serde_json::Value = ctx
                .wait_for_callback("final-approval", |_callback_id: String, s| async move {
                    s.logger.info("asked for the final approval");
                    Ok::<_, DurableError>(())
                })
                .timeout(Duration::from_secs(7 * 24 * 3600))
                .await?;
            Ok(serde_json::json!({ "sign_offs": sign_offs, "final": decision }))
        },
    )
}
