//! `run`: runs one of the seed's examples on the embedded engine, in real time, with its state
//! in a SQLite file (`durable.db`, `$DURABLE_DB`, or `--db PATH`), and prints its history.
//!
//! ```text
//! cargo run -p durable-examples --bin run -- approval
//! cargo run -p durable-examples --bin run -- approval --answer '{"approved":false,"reason":"over budget"}'
//! cargo run -p durable-examples --bin run -- approval --manual     # answer it with the durable CLI
//! cargo run -p durable-examples --bin run -- booking-rollback --db /tmp/demo.db
//! cargo run -p durable-examples --bin run -- --list
//! ```
//!
//! Durations are shortened through each example's input (a 2 s "24 hours", 1 s pauses), and
//! callbacks are answered automatically about a second after they open, so every example
//! finishes within a few seconds. `--input JSON` replaces the example's input.
//!
//! The binary runs its own worker on the database, so it refuses a database another worker
//! (`durable worker`, another `run`) is serving.

use durable_runtime::local::worker::{Worker, WorkerOptions};
use durable_runtime::local::{
    CallbackAnswer, EngineOptions, ExecutionRecord, LocalEngine, SqliteStore, SystemClock,
};
use durable_runtime::wire::OperationType;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// One runnable example.
struct Example {
    /// The command-line name.
    name: &'static str,
    /// The registered workflow.
    workflow: &'static str,
    /// What it shows.
    about: &'static str,
    /// The input, with short durations.
    input: Value,
    /// The answer given to every callback it opens.
    answer: Value,
    /// Whether the execution is meant to fail (the saga rethrows after compensating).
    expect_failure: bool,
}

fn examples() -> Vec<Example> {
    let ex = |name, workflow, about, input| Example {
        name,
        workflow,
        about,
        input,
        answer: json!(null),
        expect_failure: false,
    };
    vec![
        ex(
            "reminder",
            "order-reminder",
            "create an order, wait (2 s standing in for 24 h), send a reminder",
            json!({"customer_id": "customer-456", "items": ["item-1"], "reminder_after_seconds": 2}),
        ),
        ex(
            "dataset",
            "process-large-dataset",
            "25 checkpointed chunks; chunk 12 fails once and the run resumes there",
            json!({"dataset_id": "ds-1", "records": 250, "chunk_size": 10, "fail_at_chunk": 12, "pause_seconds": 1}),
        ),
        ex(
            "external-api",
            "reliable-api-call",
            "an API failing twice with 503, retried with exponential backoff and jitter",
            json!({"endpoint": "https://api.example/orders", "data": {"customer_id": "c-1"}, "fail_times": 2}),
        ),
        Example {
            answer: json!({"approved": true}),
            ..ex(
                "approval",
                "approval",
                "wait for a human decision (answered after ~1 s; --answer to reject)",
                json!({"requester": "ada", "description": "new laptop", "amount_cents": 250000, "timeout_seconds": 60}),
            )
        },
        ex(
            "approval-timeout",
            "approval",
            "nobody answers: the approval expires after its (3 s) timeout",
            json!({"requester": "ada", "description": "new laptop", "amount_cents": 250000, "timeout_seconds": 3}),
        ),
        ex(
            "parallel",
            "parallel-processing",
            "a durable map over five items (two at a time), then an aggregation step",
            json!({"items": [
                {"sku": "a", "quantity": 1, "unit_cents": 500},
                {"sku": "b", "quantity": 2, "unit_cents": 250},
                {"sku": "c", "quantity": 3, "unit_cents": 100},
                {"sku": "d", "quantity": 0, "unit_cents": 100},
                {"sku": "e", "quantity": 5, "unit_cents": 20}
            ], "max_concurrency": 2, "tolerated_failures": 1}),
        ),
        ex(
            "pipeline",
            "data-pipeline",
            "extract, transform in batches with checkpoint steps and 1 s pauses, load",
            json!({"dataset_id": "customers", "processing_config": {
                "batch_size": 10, "checkpoint_every": 2,
                "transform_rules": ["trim", "drop_empty", "uppercase"],
                "destination": "s3://warehouse/customers", "pause_seconds": 1}}),
        ),
        ex(
            "booking",
            "booking-saga",
            "the travel saga: flight, hotel, car and payment all succeed",
            json!({"user_id": "u-1", "flight_id": "LH400", "hotel_id": "ritz", "car_id": "compact", "card": "visa-4242"}),
        ),
        Example {
            expect_failure: true,
            ..ex(
                "booking-rollback",
                "booking-saga",
                "the card is declined: car, hotel and flight are cancelled in reverse order",
                json!({"user_id": "u-2", "flight_id": "LH400", "hotel_id": "ritz", "car_id": "compact", "card": "declined"}),
            )
        },
        ex(
            "batching",
            "cost-optimized-batching",
            "300 items in 3 batches: one step and one (1 s) wait per batch",
            json!({"total_items": 300, "batch_size": 100, "pause_seconds": 1}),
        ),
        ex(
            "step-functions",
            "migrated-order-workflow",
            "the seed's two-task Step Functions state machine as code",
            json!({"order_id": "order-9", "payment_info": "visa-4242", "items": ["book", "pen"]}),
        ),
        Example {
            answer: json!({"confirmed": true, "dock": "B"}),
            ..ex(
                "order",
                "process-order",
                "the README's order workflow (the warehouse confirms after ~1 s)",
                json!({"id": "order-123", "customer_id": "customer-456",
                       "items": [{"sku": "item-1", "quantity": 2}], "card_token": "valid-token"}),
            )
        },
    ]
}

struct Args {
    example: String,
    db: String,
    input: Option<Value>,
    answer: Option<Value>,
    manual: bool,
}

const USAGE: &str = "usage: run <example> [--db PATH] [--input JSON] [--answer JSON] [--manual] | run --list";

fn parse_args() -> Result<Option<Args>, String> {
    let mut example = None;
    let mut args = Args {
        example: String::new(),
        db: std::env::var("DURABLE_DB").unwrap_or_else(|_| "durable.db".into()),
        input: None,
        answer: None,
        manual: false,
    };
    let json_arg = |flag: &str, v: Option<String>| -> Result<Value, String> {
        let v = v.ok_or(format!("{flag} needs a JSON value"))?;
        serde_json::from_str(&v).map_err(|e| format!("{flag}: not JSON ({e})"))
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => args.db = it.next().ok_or("--db needs a path")?,
            "--input" => args.input = Some(json_arg("--input", it.next())?),
            "--answer" => args.answer = Some(json_arg("--answer", it.next())?),
            "--manual" => args.manual = true,
            "--list" | "-l" => {
                for e in examples() {
                    println!("{:<18} {}", e.name, e.about);
                }
                return Ok(None);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}` ({USAGE})")),
            name if example.is_none() => example = Some(name.to_owned()),
            extra => return Err(format!("unexpected argument `{extra}` ({USAGE})")),
        }
    }
    args.example = example.ok_or(USAGE)?;
    Ok(Some(args))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("run: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("run: {e}");
            ExitCode::from(2)
        }
    }
}

/// Registers every workflow of the examples crate, so leftover executions in a shared
/// database can be resumed too.
async fn run(args: Args) -> Result<bool, Box<dyn std::error::Error>> {
    let Some(example) = examples().into_iter().find(|e| e.name == args.example) else {
        let names: Vec<&str> = examples().iter().map(|e| e.name).collect();
        return Err(format!("unknown example `{}`; one of: {}", args.example, names.join(", ")).into());
    };
    let input = args.input.unwrap_or(example.input);
    let answer = args.answer.unwrap_or(example.answer);

    let store = Arc::new(SqliteStore::open(&args.db)?);
    // One worker per database: refuse to run beside `durable worker` on the same file.
    let _claim = durable_runtime::local::presence::Claim::take_and_keep(std::path::Path::new(&args.db))?;
    let engine = Arc::new(LocalEngine::new(
        store,
        Arc::new(SystemClock),
        EngineOptions::default(),
    ));
    durable_examples::register_all(&engine);
    let arn = engine.start_execution(example.workflow, Some(&input.to_string()))?;
    println!("example   {}: {}", example.name, example.about);
    println!("database  {}", args.db);
    println!("input     {input}");
    println!("started   {arn}\n");

    let worker = Arc::new(Worker::new(engine.clone(), WorkerOptions::default()));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let running = {
        let worker = worker.clone();
        tokio::spawn(async move { worker.run_until(async { drop(stop_rx.await) }).await })
    };

    let start = engine.store().get(&arn)?.start.as_millis();
    let mut shown = 0;
    let mut answered = HashSet::new();
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
        let open = open_callbacks(&record);
        for (id, name) in open.clone() {
            if !answered.insert(id.clone()) || answer.is_null() && !args.manual {
                continue;
            }
            if args.manual {
                // By execution and name, unless another open callback has the same name.
                let target = if open.iter().filter(|(_, n)| *n == name).count() == 1 {
                    let execution = arn.rsplit('/').next().unwrap_or(&arn);
                    format!("{} --name '{name}'", &execution[..execution.len().min(12)])
                } else {
                    format!("'{id}'")
                };
                println!("\n  suspended, waiting for callback `{name}`; answer it with:");
                println!(
                    "    cargo run -p durable-examples --bin durable -- --db {} callback succeed {target} --result '{}'\n",
                    args.db,
                    if answer.is_null() { json!({}) } else { answer.clone() }
                );
                continue;
            }
            println!("\n  suspended, waiting for callback `{name}` (answered in 1 s with {answer})\n");
            let (engine, answer) = (engine.clone(), answer.to_string());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if let Err(e) = engine.answer_callback(&id, CallbackAnswer::Succeed(Some(answer))) {
                    eprintln!("could not answer the callback: {e}");
                }
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = stop_tx.send(());
    running.await??;

    println!("\nstatus       {}", record.status.as_str());
    match (&record.result, &record.error) {
        (Some(result), _) => println!("result       {result}"),
        (None, Some(error)) => println!("error        {error}"),
        (None, None) => {}
    }
    println!("invocations  {}", record.invocations);
    println!("\nhistory");
    let mut last = start;
    for e in &record.events {
        let t = e.event_timestamp.as_millis();
        println!(
            "  {:>3}  +{:>7.3}s (+{:>6}ms)  {:<22} {}",
            e.event_id,
            (t - start) as f64 / 1000.0,
            t - last,
            e.event_type,
            e.name.as_deref().unwrap_or("")
        );
        last = t;
    }
    let succeeded = record.status.as_str() == "SUCCEEDED";
    if example.expect_failure && !succeeded {
        println!("\n(this example fails on purpose: the saga rethrows the error after compensating)");
        return Ok(true);
    }
    Ok(succeeded)
}

/// Callbacks still waiting for an answer: (callback id, name of the operation that opened it).
fn open_callbacks(record: &ExecutionRecord) -> Vec<(String, String)> {
    record
        .operations
        .iter()
        .filter(|o| o.operation_type == OperationType::Callback && !o.status.is_terminal())
        .filter_map(|o| {
            let id = o.callback_details.as_ref()?.callback_id.clone()?;
            let name = o
                .name
                .clone()
                .or_else(|| {
                    let parent = o.parent_id.as_deref()?;
                    record.operations.iter().find(|p| &*p.id == parent)?.name.clone()
                })
                .unwrap_or_else(|| o.id.clone());
            Some((id, name.to_string()))
        })
        .collect()
}
