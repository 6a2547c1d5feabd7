//! The main example: the seed's order workflow on the embedded engine, in real time, with
//! its state in a SQLite file (`durable.db`, or `--db PATH`).
//!
//! ```text
//! cargo run -p durable-examples --bin order              # answers the warehouse itself after 2 s
//! cargo run -p durable-examples --bin order -- --manual  # you answer it with the CLI
//! ```
//!
//! It starts an order, runs a worker, shows each history event as it is recorded (the
//! execution suspends while it waits for the warehouse; no invocation is running then), and
//! prints the final timeline.

use durable_examples::order::{warehouse_callback, Item, Order, ProcessOrder};
use durable_runtime::local::worker::{Worker, WorkerOptions};
use durable_runtime::local::{
    CallbackAnswer, EngineOptions, ExecutionRecord, LocalEngine, SqliteStore, SystemClock,
};
use durable_runtime::wire::OperationType;
use std::sync::Arc;
use std::time::Duration;

struct Args {
    db: String,
    manual: bool,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        db: std::env::var("DURABLE_DB").unwrap_or_else(|_| "durable.db".into()),
        manual: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--manual" => out.manual = true,
            "--db" => out.db = it.next().ok_or("--db needs a path")?,
            "-h" | "--help" => {
                println!("usage: order [--db PATH] [--manual]");
                std::process::exit(0);
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (usage: order [--db PATH] [--manual])"
                ))
            }
        }
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let args = args()?;
    let store = Arc::new(SqliteStore::open(&args.db)?);
    // One worker per database: refuse to run beside `durable worker` on the same file.
    let _claim = durable_runtime::local::presence::Claim::take_and_keep(std::path::Path::new(&args.db))?;
    let engine = Arc::new(LocalEngine::new(
        store,
        Arc::new(SystemClock),
        EngineOptions::default(),
    ));
    engine.register_workflow(ProcessOrder);

    let order = Order {
        id: format!("order-{}", std::process::id()),
        customer_id: "customer-456".into(),
        items: vec![Item {
            sku: "item-1".into(),
            quantity: 2,
        }],
        card_token: "valid-token".into(),
    };
    let arn = engine.start_execution("process-order", Some(&serde_json::to_string(&order)?))?;
    println!("database  {}", args.db);
    println!("started   {arn}\n");

    let worker = Arc::new(Worker::new(engine.clone(), WorkerOptions::default()));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let running = {
        let worker = worker.clone();
        tokio::spawn(async move { worker.run_until(async { drop(stop_rx.await) }).await })
    };

    let start = engine.store().get(&arn)?.start.as_millis();
    let mut shown = 0;
    let mut answered = false;
    let record = loop {
        let record = engine.store().get(&arn)?;
        for e in &record.events[shown..] {
            let at = (e.event_timestamp.as_millis() - start) as f64 / 1000.0;
            println!(
                "  +{at:>6.3}s  {:<20} {}",
                e.event_type,
                e.name.as_deref().unwrap_or("")
            );
        }
        shown = record.events.len();
        if record.status.is_terminal() {
            break record;
        }
        if let Some(id) = waiting_callback(&record, &warehouse_callback(&order)) {
            if !answered {
                answered = true;
                if args.manual {
                    println!("\n  the execution is suspended, waiting for the warehouse; answer it with:");
                    let execution = arn.rsplit('/').next().unwrap_or(&arn);
                    println!(
                        "    cargo run -p durable-examples --bin durable -- --db {} callback succeed {} --name '{}' --result '{{\"confirmed\":true,\"dock\":\"B\"}}'\n",
                        args.db,
                        &execution[..execution.len().min(12)],
                        warehouse_callback(&order)
                    );
                } else {
                    println!("\n  suspended: waiting for the warehouse (it answers in 2 s)\n");
                    let engine = engine.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        let answer = CallbackAnswer::Succeed(Some(r#"{"confirmed":true,"dock":"B"}"#.into()));
                        if let Err(e) = engine.answer_callback(&id, answer) {
                            eprintln!("could not answer the warehouse callback: {e}");
                        }
                    });
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = stop_tx.send(());
    running.await??;

    println!("\nstatus       {}", record.status.as_str());
    println!("result       {}", record.result.as_deref().unwrap_or("-"));
    println!("invocations  {}", record.invocations);
    println!("\ntimeline");
    let mut last = start;
    for e in &record.events {
        let t = e.event_timestamp.as_millis();
        let name = e.name.as_deref().unwrap_or("");
        println!(
            "  {:>3}  +{:>7.3}s (+{:>6}ms)  {:<20} {name}",
            e.event_id,
            (t - start) as f64 / 1000.0,
            t - last,
            e.event_type
        );
        last = t;
    }
    Ok(record.status.as_str() == "SUCCEEDED")
}

/// The callback id of the wait-for-callback named `name`, while it is waiting.
fn waiting_callback(record: &ExecutionRecord, name: &str) -> Option<String> {
    let parent = record
        .operations
        .iter()
        .find(|o| o.name.as_deref() == Some(name))?;
    record
        .operations
        .iter()
        .find(|o| {
            o.operation_type == OperationType::Callback
                && o.parent_id.as_deref() == Some(&*parent.id)
                && !o.status.is_terminal()
        })
        .and_then(|o| o.callback_details.as_ref()?.callback_id.clone())
}
