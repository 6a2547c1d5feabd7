//! Sagas: compensations run in reverse order as durable steps, and a crash in the middle of
//! compensating neither repeats finished compensations nor skips the rest.

use durable_runtime::local::ExecutionStatus;
use durable_runtime::prelude::*;
use durable_runtime::testing::TestRunner;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Ledger {
    undone: Mutex<Vec<String>>,
    hotel_cancel_runs: AtomicU32,
}

fn trip(ledger: Arc<Ledger>) -> impl Workflow<Input = (), Output = String> {
    workflow_fn("trip", move |ctx: DurableContext, _: ()| {
        let ledger = ledger.clone();
        async move {
            let mut saga = ctx.saga().step_retry(RetryPresets::none());
            let l = ledger.clone();
            saga.step(
                "book-flight",
                |_| async { Ok::<_, DurableError>("FL-1".to_owned()) },
                move |id: String, _| {
                    let l = l.clone();
                    async move {
                        l.undone.lock().unwrap().push(format!("flight {id}"));
                        Ok::<_, String>(())
                    }
                },
            )
            .await?;
            let l = ledger.clone();
            saga.step(
                "book-hotel",
                |_| async { Ok::<_, DurableError>("HO-2".to_owned()) },
                move |id: String, _| {
                    let l = l.clone();
                    async move {
                        // The first run crashes the invocation mid-compensation.
                        if l.hotel_cancel_runs.fetch_add(1, Ordering::SeqCst) == 0 {
                            panic!("simulated crash while cancelling the hotel");
                        }
                        l.undone.lock().unwrap().push(format!("hotel {id}"));
                        Ok::<_, String>(())
                    }
                },
            )
            .await?;
            let l = ledger.clone();
            saga.step(
                "book-car",
                |_| async { Ok::<_, DurableError>("CA-3".to_owned()) },
                move |id: String, _| {
                    let l = l.clone();
                    async move {
                        l.undone.lock().unwrap().push(format!("car {id}"));
                        Ok::<_, String>(())
                    }
                },
            )
            .await?;
            assert_eq!(saga.pending(), ["book-car", "book-hotel", "book-flight"]);
            let payment: Result<String, DurableError> = ctx
                .step("charge-card", |_| async {
                    Err::<String, _>(DurableError::failure("Declined", "card declined"))
                })
                .retry(RetryPresets::none())
                .await;
            match payment {
                Ok(p) => Ok(p),
                Err(e) => {
                    saga.compensate().await?;
                    Ok(format!("rolled back: {}", e.error_object().message()))
                }
            }
        }
    })
}

#[tokio::test]
async fn compensations_run_in_reverse_once_each_across_a_crash() {
    let ledger = Arc::new(Ledger::default());
    let r = TestRunner::new(trip(ledger.clone())).run(&()).await.unwrap();
    assert_eq!(r.status(), ExecutionStatus::Succeeded, "{:?}", r.error());
    assert_eq!(r.output::<String>().unwrap(), "rolled back: card declined");
    // Reverse order; the car's cancellation, finished before the crash, did not run again.
    assert_eq!(
        *ledger.undone.lock().unwrap(),
        ["car CA-3", "hotel HO-2", "flight FL-1"]
    );
    assert_eq!(
        ledger.hotel_cancel_runs.load(Ordering::SeqCst),
        2,
        "interrupted once, then retried"
    );
    let names: Vec<_> = r
        .operations()
        .iter()
        .filter_map(|o| o.name.as_deref().map(str::to_owned))
        .filter(|n| n.starts_with("compensate-"))
        .collect();
    assert_eq!(
        names,
        [
            "compensate-book-car",
            "compensate-book-hotel",
            "compensate-book-flight"
        ]
    );
    let crashed = r
        .history()
        .iter()
        .filter(|e| {
            serde_json::to_value(e).unwrap()["InvocationCompletedDetails"]["Error"]["Payload"]["ErrorType"]
                == "Runtime.ExitError"
        })
        .count();
    assert_eq!(crashed, 1);
}
