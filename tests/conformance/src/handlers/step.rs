//! Suite `step` (1-x): steps, names, serdes, retries, at-most-once semantics, replay.

use super::{crash_once, json, text};
use crate::registry::Registry;
use durable_runtime::prelude::*;
use durable_runtime::{serdes_fn, RetryDecision, StepFailure};
use serde_json::Value;
use std::fmt;

/// The custom error type of 1-15 / 1-16.
#[derive(Debug)]
pub struct TransientError(pub String);

impl fmt::Display for TransientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TransientError {}

fn fail(message: &str) -> DurableError {
    DurableError::failure("StepError", message)
}

/// Retries after exactly one second, up to `attempts` attempts in all.
fn every_second(attempts: u32) -> RetryPolicy {
    RetryPolicy::exponential()
        .max_attempts(attempts)
        .initial_delay(Duration::from_secs(1))
        .backoff_rate(1.0)
        .jitter(Jitter::None)
}

pub(super) fn register(r: &mut Registry) {
    r.register("1-1", |ctx, input| async move {
        let name = text(&input);
        let greeting: String = ctx
            .step((), move |_| async move {
                Ok::<_, DurableError>(format!("Hello, {name}!"))
            })
            .await?;
        json(greeting)
    });
    r.register("1-2", |ctx, input| async move {
        let name = text(&input);
        let greeting: String = ctx
            .step("custom_step_name", move |_| async move {
                Ok::<_, DurableError>(format!("Hello, {name}!"))
            })
            .await?;
        json(greeting)
    });
    r.register("1-3", |ctx, _| async move {
        let first: String = ctx
            .step("step_one", |_| async {
                Ok::<_, DurableError>("first".to_owned())
            })
            .await?;
        let second: String = ctx
            .step("step_two", move |_| async move {
                Ok::<_, DurableError>(format!("{first}_second"))
            })
            .await?;
        json(second)
    });
    r.register("1-4", |ctx, input| async move {
        let response: Value = ctx
            .step("build_response", move |_| async move {
                let tags = input.get("tags").cloned().unwrap_or(Value::Array(vec![]));
                let count = tags.as_array().map_or(0, Vec::len);
                Ok::<_, DurableError>(serde_json::json!({
                    "user": { "name": input.get("name").cloned().unwrap_or(Value::Null), "tags": tags },
                    "count": count,
                }))
            })
            .await?;
        Ok(response)
    });
    r.register("1-5", |ctx, _| async move {
        let nothing: () = ctx
            .step("do_nothing", |_| async { Ok::<_, DurableError>(()) })
            .await?;
        json(nothing)
    });
    r.register("1-6", |ctx, input| async move {
        let value = text(&input);
        let uppercase = serdes_fn(
            |s: &String| serde_json::to_string(&s.to_uppercase()).map_err(|e| e.to_string()),
            |data: Option<&str>| serde_json::from_str(data.unwrap_or("null")).map_err(|e| e.to_string()),
        );
        let out: String = ctx
            .step(
                "return_input",
                move |_| async move { Ok::<_, DurableError>(value) },
            )
            .serdes(uppercase)
            .await?;
        json(out)
    });
    r.register("1-8", |ctx, _| async move {
        let v: String = ctx
            .step("compute", |_| async {
                Ok::<_, DurableError>("computed".to_owned())
            })
            .await?;
        ctx.wait((), Duration::from_secs(2)).await?;
        json(v)
    });
    r.register("1-9", |ctx, _| async move {
        let v: String = ctx
            .step("cached", |s| async move {
                s.logger.info("step executed");
                Ok::<_, DurableError>("cached_value".to_owned())
            })
            .await?;
        ctx.wait((), Duration::from_secs(1)).await?;
        json(v)
    });
    r.register("1-10", |ctx, _| async move {
        let outcome: Result<String, DurableError> = ctx
            .step("fails_permanently", |s| async move {
                s.logger.info("step executed");
                Err::<String, _>(fail("permanent failure"))
            })
            .retry(RetryPresets::none())
            .await;
        let caught = matches!(outcome, Err(DurableError::StepFailed { .. }));
        ctx.wait((), Duration::from_secs(1)).await?;
        json(serde_json::json!({ "caught": caught }))
    });
    r.register("1-11", |ctx, _| async move {
        let v: String = ctx
            .step("unreliable", |s| async move {
                if s.attempt == 1 {
                    Err(fail("first attempt fails"))
                } else {
                    Ok("Operation succeeded".to_owned())
                }
            })
            .retry(every_second(3))
            .await?;
        json(v)
    });
    r.register("1-12", |ctx, _| async move {
        let v: String = ctx
            .step("always_fail", |s| async move {
                Err::<String, _>(fail(&format!("attempt {} failed", s.attempt)))
            })
            .retry(every_second(4))
            .await?;
        json(v)
    });
    r.register("1-15", |ctx, _| async move {
        let v: String = ctx
            .step("transient", |s| async move {
                if s.attempt == 1 {
                    Err(TransientError("temporarily unavailable".into()))
                } else {
                    Ok("success".to_owned())
                }
            })
            .retry(every_second(3).retry_if_error_is::<TransientError>())
            .await?;
        json(v)
    });
    r.register("1-16", |ctx, _| async move {
        let no_retry_on_transient = |f: &StepFailure<'_>, _attempts: u32| {
            if f.is::<TransientError>() {
                RetryDecision::stop()
            } else {
                RetryDecision::retry(Duration::from_secs(1))
            }
        };
        let v: String = ctx
            .step("transient", |_| async {
                Err::<String, _>(TransientError("not retried".into()))
            })
            .retry(no_retry_on_transient)
            .await?;
        json(v)
    });
    r.register("1-17", |ctx, input| async move {
        let arn = ctx.execution_arn().to_owned();
        let value = text(&input);
        let v: String = ctx
            .step("at_most_once_flaky_step", move |s| async move {
                s.logger.info(format!("processing {value}"));
                crash_once(&arn);
                Ok::<_, DurableError>(value)
            })
            .semantics(StepSemantics::AtMostOncePerRetry)
            .retry(RetryPresets::none())
            .await?;
        json(v)
    });
    r.register("1-19", |ctx, _| async move {
        let v: String = ctx
            .step("failing", |_| async { Err::<String, _>(fail("always fails")) })
            .retry(RetryPresets::none())
            .await?;
        json(v)
    });
    r.register("1-20", |ctx, _| async move {
        let first: Result<String, DurableError> = ctx
            .step("failing", |_| async {
                Err::<String, _>(fail("expected failure"))
            })
            .retry(RetryPresets::none())
            .await;
        let fallback = match first {
            Ok(v) => v,
            Err(DurableError::StepFailed { .. }) => "fallback_result".to_owned(),
            Err(other) => return Err(other),
        };
        let v: String = ctx
            .step("after_recovery", move |_| async move {
                Ok::<_, DurableError>(fallback)
            })
            .await?;
        json(v)
    });
}
