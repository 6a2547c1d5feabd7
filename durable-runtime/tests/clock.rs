//! What a workflow observes of time follows the engine's clock: virtual under the
//! `TestRunner` (so deadline and SLA logic can be tested with time skipping), the system's on
//! a worker and on Lambda.

use durable_runtime::prelude::*;
use durable_runtime::testing::TestRunner;
use durable_runtime::StepContext;
use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

fn millis(t: std::time::SystemTime) -> u64 {
    u64::try_from(t.duration_since(UNIX_EPOCH).unwrap().as_millis()).unwrap()
}

#[tokio::test]
async fn ctx_now_and_log_timestamps_follow_virtual_time() {
    let wf = workflow_fn("sla", |ctx: DurableContext, _: ()| async move {
        let before = ctx.now().await?;
        ctx.logger().info("before the pause");
        ctx.wait("pause", Duration::from_secs(3)).await?;
        let after = ctx.now().await?;
        ctx.logger().info("after the pause");
        let late = millis(after) - millis(before) > 2_000;
        Ok::<_, DurableError>((millis(before), millis(after), late))
    });
    let run = TestRunner::new(wf).run(&()).await.unwrap();
    let (before, after, late): (u64, u64, bool) = run.output().unwrap();
    // Exactly three virtual seconds, though the test takes no real time.
    assert_eq!(after - before, 3_000, "{}", run.timeline());
    assert!(late, "an SLA check on ctx.now() must see the virtual pause");
    let stamps: Vec<i64> = run.logs().iter().map(|r| r.timestamp).collect();
    assert_eq!(stamps.len(), 2, "{:?}", run.logs());
    assert_eq!(
        stamps[1] - stamps[0],
        3_000,
        "log records are stamped with the virtual clock"
    );
    assert_eq!(i64::try_from(before).unwrap(), stamps[0]);
}

#[tokio::test]
async fn a_retry_logs_the_virtual_time_of_its_attempt() {
    let attempts = Arc::new(AtomicU32::new(0));
    let counter = attempts.clone();
    let wf = workflow_fn("flaky", move |ctx: DurableContext, _: ()| {
        let counter = counter.clone();
        async move {
            ctx.step("call", move |s: StepContext| async move {
                s.logger.info(format!("attempt {}", s.attempt));
                if counter.fetch_add(1, SeqCst) == 0 {
                    return Err(DurableError::failure("Unavailable", "503"));
                }
                Ok(1u32)
            })
            .retry(RetryPresets::fixed(Duration::from_secs(2)))
            .await
        }
    });
    let run = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(run.output::<u32>().unwrap(), 1);
    let stamps: Vec<i64> = run.logs().iter().map(|r| r.timestamp).collect();
    assert_eq!(stamps.len(), 2, "{:?}", run.logs());
    assert_eq!(stamps[1] - stamps[0], 2_000, "{}", run.timeline());
    assert_eq!(attempts.load(SeqCst), 2);
}
