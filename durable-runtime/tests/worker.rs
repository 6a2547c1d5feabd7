//! The worker runs many executions concurrently: timers, callbacks answered from outside,
//! chained invokes, crashes retried.

use durable_runtime::local::worker::{Worker, WorkerOptions};
use durable_runtime::local::{
    CallbackAnswer, EngineOptions, ExecutionStatus, LocalEngine, MemoryStore, VirtualClock,
};
use durable_runtime::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

fn engine() -> Arc<LocalEngine> {
    Arc::new(LocalEngine::new(
        Arc::new(MemoryStore::new()),
        Arc::new(VirtualClock::new()),
        EngineOptions::default(),
    ))
}

#[tokio::test]
async fn runs_many_executions_with_timers_and_callbacks() {
    let engine = engine();
    engine.register_workflow(workflow_fn("order", |ctx: DurableContext, id: u32| async move {
        let total: u32 = ctx
            .step("price", move |_| async move { Ok::<_, DurableError>(id * 10) })
            .await?;
        ctx.wait("settle", Duration::from_secs(60)).await?;
        let approval = ctx.create_callback::<bool>("approve").await?;
        let approved = approval.result().await?;
        Ok(if approved { total } else { 0 })
    }));
    let arns: Vec<String> = (0..50)
        .map(|i| engine.start_execution("order", Some(&i.to_string())).unwrap())
        .collect();
    let worker = Worker::new(
        engine.clone(),
        WorkerOptions {
            max_concurrency: 8,
            ..WorkerOptions::default()
        },
    );
    worker.run_until_idle().await.unwrap();
    // Every execution now waits on its callback; answer them from "outside".
    for (i, arn) in arns.iter().enumerate() {
        let record = engine.store().get(arn).unwrap();
        assert_eq!(record.status, ExecutionStatus::Running);
        let op = record
            .operations
            .iter()
            .find(|o| o.name.as_deref() == Some("approve"))
            .unwrap();
        let id = op.callback_details.as_ref().unwrap().callback_id.clone().unwrap();
        let answer = if i % 2 == 0 { "true" } else { "false" };
        engine
            .answer_callback(&id, CallbackAnswer::Succeed(Some(answer.into())))
            .unwrap();
    }
    worker.run_until_idle().await.unwrap();
    for (i, arn) in arns.iter().enumerate() {
        let record = engine.store().get(arn).unwrap();
        assert_eq!(
            record.status,
            ExecutionStatus::Succeeded,
            "{arn}: {:?}",
            record.error
        );
        let expected = if i % 2 == 0 { i * 10 } else { 0 };
        assert_eq!(record.result.as_deref(), Some(expected.to_string().as_str()));
        assert_eq!(record.invocations, 3);
    }
}

#[tokio::test]
async fn chained_invokes_run_as_executions_of_their_own() {
    let engine = engine();
    engine.register_workflow(workflow_fn("child", |ctx: DurableContext, n: u32| async move {
        ctx.wait("nap", Duration::from_secs(5)).await?;
        Ok(n + 1)
    }));
    engine.register_workflow(workflow_fn("parent", |ctx: DurableContext, n: u32| async move {
        let a: u32 = ctx.invoke("first", "child", n).await?;
        let b: u32 = ctx.invoke("second", "child", a).await?;
        Ok(b)
    }));
    let arn = engine.start_execution("parent", Some("1")).unwrap();
    Worker::new(engine.clone(), WorkerOptions::default())
        .run_until_idle()
        .await
        .unwrap();
    let record = engine.store().get(&arn).unwrap();
    assert_eq!(record.status, ExecutionStatus::Succeeded, "{:?}", record.error);
    assert_eq!(record.result.as_deref(), Some("3"));
    assert_eq!(engine.store().list().unwrap().len(), 3);
}

#[tokio::test]
async fn crashed_invocations_are_retried() {
    let engine = engine();
    let crashes = Arc::new(AtomicU32::new(0));
    let seen = crashes.clone();
    engine.register_workflow(workflow_fn("flaky", move |ctx: DurableContext, _: ()| {
        let seen = seen.clone();
        async move {
            let v: u32 = ctx
                .step("work", move |_| async move {
                    if seen.fetch_add(1, Ordering::SeqCst) < 2 {
                        panic!("simulated crash");
                    }
                    Ok::<_, DurableError>(7)
                })
                .await?;
            Ok(v)
        }
    }));
    let arn = engine.start_execution("flaky", None).unwrap();
    Worker::new(engine.clone(), WorkerOptions::default())
        .run_until_idle()
        .await
        .unwrap();
    let record = engine.store().get(&arn).unwrap();
    assert_eq!(record.status, ExecutionStatus::Succeeded, "{:?}", record.error);
    let crashed = record
        .events
        .iter()
        .filter(|e| {
            serde_json::to_value(e).unwrap()["InvocationCompletedDetails"]["Error"]["Payload"]["ErrorType"]
                == "Runtime.ExitError"
        })
        .count();
    assert_eq!(crashed, 2);
}
