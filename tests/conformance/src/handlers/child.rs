//! Suite `child` (3-x): child contexts, nesting, errors, large results, replay.

use super::{crash_once, json, text};
use crate::registry::Registry;
use durable_runtime::prelude::*;

fn fail(message: &str) -> DurableError {
    DurableError::failure("StepError", message)
}

/// A step returning `value`.
async fn echo(ctx: &DurableContext, name: &str, value: String) -> Result<String, DurableError> {
    ctx.step(name, move |_| async move { Ok::<_, DurableError>(value) })
        .await
}

pub(super) fn register(r: &mut Registry) {
    r.register("3-1", |ctx, input| async move {
        let value = text(&input);
        let out: String = ctx
            .run_in_child_context("child", move |child: DurableContext| async move {
                echo(&child, "echo", value).await
            })
            .await?;
        json(out)
    });
    r.register("3-4", |ctx, _| async move {
        let out: String = ctx
            .run_in_child_context("failing_child", |child: DurableContext| async move {
                child
                    .step("failing_step", |_| async {
                        Err::<String, _>(fail("step inside child failed"))
                    })
                    .retry(RetryPresets::none())
                    .await
            })
            .await?;
        json(out)
    });
    r.register("3-5", |ctx, input| async move {
        let value = text(&input);
        let outcome: Result<String, DurableError> = ctx
            .run_in_child_context("failing_child", |child: DurableContext| async move {
                child
                    .step("failing_step", |_| async {
                        Err::<String, _>(fail("step inside child failed"))
                    })
                    .retry(RetryPresets::none())
                    .await
            })
            .await;
        if !matches!(outcome, Err(DurableError::ChildContextFailed { .. })) {
            return Err(DurableError::failure("UnexpectedOutcome", format!("{outcome:?}")));
        }
        json(echo(&ctx, "recovery", value).await?)
    });
    r.register("3-6", |ctx, input| async move {
        let value = text(&input);
        let out: String = ctx
            .run_in_child_context("outer", move |outer: DurableContext| async move {
                echo(&outer, "outer_step", value.clone()).await?;
                outer
                    .run_in_child_context("inner", move |inner: DurableContext| async move {
                        echo(&inner, "inner_step", value).await
                    })
                    .await
            })
            .await?;
        json(out)
    });
    r.register("3-7", |ctx, input| async move {
        let value = text(&input);
        let out: String = ctx
            .run_in_child_context("retrying_child", move |child: DurableContext| async move {
                child
                    .step("flaky", move |s| async move {
                        if s.attempt == 1 {
                            Err(fail("first attempt fails"))
                        } else {
                            Ok(value)
                        }
                    })
                    .retry(one_second(3))
                    .await
            })
            .await?;
        json(out)
    });
    r.register("3-8", |ctx, _| async move {
        let out: String = ctx
            .run_in_child_context("exhausted_child", |child: DurableContext| async move {
                child
                    .step("always_fails", |s| async move {
                        Err::<String, _>(fail(&format!("attempt {}", s.attempt)))
                    })
                    .retry(one_second(2))
                    .await
            })
            .await?;
        json(out)
    });
    r.register("3-10", |ctx, input| async move {
        let value = text(&input);
        let out: String = ctx
            .run_in_child_context("step_and_wait", move |child: DurableContext| async move {
                let v = echo(&child, "echo", value).await?;
                child.wait("pause", Duration::from_secs(1)).await?;
                Ok(v)
            })
            .await?;
        json(out)
    });
    r.register("3-11", |ctx, input| async move {
        let value = text(&input);
        let size: usize = ctx
            .run_in_child_context("large_result", move |child: DurableContext| async move {
                child
                    .logger()
                    .replay_logging(true)
                    .info(format!("building large result for {value}"));
                let seed = echo(&child, "small", "x".to_owned()).await?;
                Ok(seed.repeat(300 * 1024))
            })
            .await?
            .len();
        ctx.wait("after", Duration::from_secs(1)).await?;
        json(size)
    });
    r.register("3-12", |ctx, input| async move {
        let value = text(&input);
        let arn = ctx.execution_arn().to_owned();
        let out: String = ctx
            .run_in_child_context("crashing_child", move |child: DurableContext| async move {
                child
                    .step("crashes_once", move |_| async move {
                        // Let the asynchronous START checkpoint go out before the crash.
                        tokio::task::yield_now().await;
                        crash_once(&arn);
                        Ok::<_, DurableError>(value)
                    })
                    .await
            })
            .await?;
        json(out)
    });
    r.register("3-13", |ctx, input| async move {
        let value = text(&input);
        let inner = value.clone();
        let _: String = ctx
            .run_in_child_context("waiting_child", move |child: DurableContext| async move {
                child.wait("pause", Duration::from_secs(1)).await?;
                Ok(inner)
            })
            .await?;
        json(echo(&ctx, "outer_step", value).await?)
    });
    r.register("3-15", |ctx, _| async move {
        let out: String = ctx
            .run_in_child_context("throws_directly", |_child: DurableContext| async move {
                Err::<String, _>(DurableError::failure(
                    "ChildBodyError",
                    "thrown without any durable operation",
                ))
            })
            .await?;
        json(out)
    });
    r.register("3-16", |ctx, _| async move {
        let out: () = ctx
            .run_in_child_context("returns_null", |_child: DurableContext| async move { Ok(()) })
            .await?;
        json(out)
    });
    r.register("3-17", |ctx, input| async move {
        let value = text(&input);
        let out: String = ctx
            .run_in_child_context("logs_only", move |child: DurableContext| async move {
                child
                    .logger()
                    .replay_logging(true)
                    .info(format!("child context saw {value}"));
                Ok(value)
            })
            .await?;
        ctx.wait("after", Duration::from_secs(1)).await?;
        json(out)
    });
    r.register("3-18", |ctx, input| async move {
        let value = text(&input);
        let inner = value.clone();
        let _: String = ctx
            .run_in_child_context("step_and_wait", move |child: DurableContext| async move {
                let v = echo(&child, "inner_step", inner).await?;
                child.wait("inner_wait", Duration::from_secs(1)).await?;
                Ok(v)
            })
            .await?;
        let out = echo(&ctx, "outer_step", value).await?;
        ctx.wait("outer_wait", Duration::from_secs(1)).await?;
        json(out)
    });
}

fn one_second(attempts: u32) -> RetryPolicy {
    RetryPolicy::exponential()
        .max_attempts(attempts)
        .initial_delay(Duration::from_secs(1))
        .backoff_rate(1.0)
        .jitter(Jitter::None)
}
