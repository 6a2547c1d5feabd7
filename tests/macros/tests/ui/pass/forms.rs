//! Accepted forms: no input, `crate = ..`, visibility, doc comments, patterns in step
//! arguments, `mut` arguments, result aliases, escape hatches on blocks and expressions,
//! operations with the same name in different branches, `biased;` select.
#![allow(dead_code)]

use durable_runtime::prelude::*;

mod reexport {
    pub use durable_runtime::*;
}

type StepResult<T> = ::core::result::Result<T, std::io::Error>;

/// Documented step.
#[step(crate = "crate::reexport", name = "sum-pair")]
pub async fn sum((a, b): (u32, u32), mut extra: u32) -> StepResult<u32> {
    extra += a + b;
    Ok(extra)
}

/// Documented workflow without input.
#[durable_workflow(crate = "crate::reexport")]
pub async fn no_input(ctx: DurableContext) -> Result<u32, DurableError> {
    let flag = ctx.random_u64().await? % 2 == 0;
    let n = if flag {
        ctx.step("pick", |_| async { Ok::<_, String>(1u32) }).await?
    } else {
        ctx.step("pick", |_| async { Ok::<_, String>(2u32) }).await?
    };
    #[durable::allow_nondeterministic(reason = "diagnostics only")]
    {
        let _ = std::time::Instant::now();
    }
    let _elapsed = #[durable::allow_nondeterministic(reason = "diagnostics only")]
    std::time::SystemTime::now();
    tokio::select! {
        biased;
        _ = async {} => {}
        _ = async {} => {}
    }
    // Inside a step body anything goes.
    let _t: u64 = ctx
        .step("clock", |_| async {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            Ok::<_, String>(now.as_secs())
        })
        .await?;
    ctx.run(sum((n, 2), 3)).await
}

fn main() {
    let _ = NoInput;
}
