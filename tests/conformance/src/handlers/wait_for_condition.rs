//! Suite `wait_for_condition` (6-x): polling with wait strategies and checkpointed state.

use super::json;
use crate::registry::Registry;
use durable_runtime::prelude::*;
use durable_runtime::{serdes_fn, PollingPolicy, WaitDecision};
use serde_json::Value;

/// Continue (1 s apart) while the state is below `threshold`.
fn below(threshold: i64) -> impl Fn(&i64, u32) -> WaitDecision + Send + Sync + 'static {
    move |state: &i64, _| {
        if *state < threshold {
            WaitDecision::Continue(Duration::from_secs(1))
        } else {
            WaitDecision::Stop
        }
    }
}

fn threshold(input: &Value) -> i64 {
    input.as_i64().unwrap_or(0)
}

async fn increment(state: i64, _: durable_runtime::StepContext) -> Result<i64, DurableError> {
    Ok(state + 1)
}

pub(super) fn register(r: &mut Registry) {
    r.register("6-1", |ctx, input| async move {
        json(
            ctx.wait_for_condition((), 0i64, below(threshold(&input)), increment)
                .await?,
        )
    });
    r.register("6-2", |ctx, _| async move {
        let keep = |s: i64, _| async move { Ok::<_, DurableError>(s) };
        json(ctx.wait_for_condition((), 5i64, below(5), keep).await?)
    });
    r.register("6-3", |ctx, input| async move {
        json(
            ctx.wait_for_condition("poll-status", 0i64, below(threshold(&input)), increment)
                .await?,
        )
    });
    r.register("6-4", |ctx, input| async move {
        json(
            ctx.wait_for_condition((), 5i64, below(threshold(&input)), increment)
                .await?,
        )
    });
    r.register("6-5", |ctx, input| async move {
        let n = threshold(&input);
        let fixed = PollingPolicy::until_not(move |s: &i64| *s < n).fixed_delay(Duration::from_secs(2));
        json(ctx.wait_for_condition((), 0i64, fixed, increment).await?)
    });
    r.register("6-6", |ctx, _| async move {
        let never = PollingPolicy::until_not(|_: &i64| true)
            .fixed_delay(Duration::from_secs(1))
            .max_attempts(3);
        json(ctx.wait_for_condition((), 0i64, never, increment).await?)
    });
    r.register("6-7", |ctx, _| async move {
        let throws =
            |_: i64, _| async move { Err::<i64, _>(DurableError::failure("CheckError", "the check failed")) };
        json(ctx.wait_for_condition((), 0i64, below(3), throws).await?)
    });
    r.register("6-10", |ctx, _| async move {
        let stop_now = |_: &Value, _| WaitDecision::Stop;
        let to_null = |_: Value, _| async move { Ok::<_, DurableError>(Value::Null) };
        ctx.wait_for_condition((), Value::Null, stop_now, to_null).await
    });
    r.register("6-11", |ctx, _| async move {
        // The state is stored reversed and tagged, and decoded back on resume.
        let encoded = serdes_fn(
            |s: &String| Ok(format!("\"enc:{}\"", s.chars().rev().collect::<String>())),
            |data: Option<&str>| {
                let text: String =
                    serde_json::from_str(data.unwrap_or("\"enc:\"")).map_err(|e| e.to_string())?;
                let body = text.strip_prefix("enc:").ok_or("state was not encoded")?;
                Ok(body.chars().rev().collect())
            },
        );
        let until_two = |s: &String, _| {
            if s.len() < 2 {
                WaitDecision::Continue(Duration::from_secs(1))
            } else {
                WaitDecision::Stop
            }
        };
        let append = |s: String, _| async move { Ok::<_, DurableError>(format!("{s}x")) };
        json(
            ctx.wait_for_condition((), String::new(), until_two, append)
                .serdes(encoded)
                .await?,
        )
    });
    r.register("6-12", |ctx, input| async move {
        let done = ctx
            .wait_for_condition((), 0i64, below(threshold(&input)), increment)
            .await?;
        let times_ten: i64 = ctx
            .step(
                "multiply",
                move |_| async move { Ok::<_, DurableError>(done * 10) },
            )
            .await?;
        json(times_ten)
    });
}
