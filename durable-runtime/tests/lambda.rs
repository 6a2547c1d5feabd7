//! The Lambda backend over the wire: `LambdaCheckpointClient` (aws-sdk-lambda) against a
//! loopback HTTP server started by each test, playing the checkpoint/state API; the event
//! parser and the SDK response parsing under randomized and mutated input.
#![cfg(feature = "lambda")]

use durable_runtime::lambda::{parse_event, parse_event_slice, LambdaCheckpointClient};
use durable_runtime::prelude::*;
use durable_runtime::wire::{InvocationInput, InvocationOutput, InvocationStatus};
use durable_runtime::{run_invocation, CheckpointClient, ExecutionConfig, InvocationError};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One request the loopback server saw.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    body: Value,
}

type Reply = Box<dyn FnMut(&Seen) -> (u16, String) + Send>;

/// A loopback HTTP/1.1 server answering every request with `reply`; records requests.
struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn serve(mut reply: Reply) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            // Keep-alive: serve requests on this connection until the client closes it.
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or("").to_owned();
                let path = parts.next().unwrap_or("").to_owned();
                let mut len = 0;
                loop {
                    let mut h = String::new();
                    reader.read_line(&mut h).unwrap();
                    if h.trim().is_empty() {
                        break;
                    }
                    let lower = h.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                let seen = Seen {
                    method,
                    path,
                    body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                };
                let (status, text) = reply(&seen);
                log.lock().unwrap().push(seen);
                // Like the service (restJson1), name the exception in a header too.
                let error_type = serde_json::from_str::<Value>(&text)
                    .ok()
                    .and_then(|v| v.get("Type").and_then(Value::as_str).map(str::to_owned))
                    .map(|t| format!("x-amzn-ErrorType: {t}\r\n"))
                    .unwrap_or_default();
                let response = format!(
                    "HTTP/1.1 {status} X\r\n{error_type}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
                    text.len()
                );
                if stream.write_all(response.as_bytes()).is_err() {
                    break;
                }
            }
        }
    });
    Server { url, seen }
}

fn client(url: &str) -> Arc<dyn CheckpointClient> {
    use durable_runtime::lambda::sdk::config::{BehaviorVersion, Credentials, Region};
    let config = durable_runtime::lambda::sdk::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new("x", "x", None, None, "test"))
        .retry_config(
            durable_runtime::lambda::sdk::config::retry::RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(std::time::Duration::from_millis(5)),
        )
        .build();
    Arc::new(LambdaCheckpointClient::new(
        durable_runtime::lambda::sdk::Client::from_conf(config),
    ))
}

fn event(marker: Option<&str>) -> InvocationInput {
    parse_event(json!({
        "DurableExecutionArn": "run/exec",
        "CheckpointToken": "t0",
        "InitialExecutionState": {
            "Operations": [{"Id": "exec", "Type": "EXECUTION", "Status": "STARTED", "Name": "e",
                "StartTimestamp": 1795764155343i64, "ExecutionDetails": {"InputPayload": "\"x\""}}],
            "NextMarker": marker.unwrap_or("")
        }
    }))
    .unwrap()
}

fn three_steps() -> impl Workflow<Input = String, Output = String> {
    workflow_fn("three", |ctx: DurableContext, input: String| async move {
        let mut out = input;
        for name in ["a", "b", "c"] {
            let piece: String = ctx
                .step(name, move |_| async move {
                    Ok::<_, DurableError>(name.to_uppercase())
                })
                .await?;
            out.push_str(&piece);
        }
        Ok(out)
    })
}

/// Answers checkpoints with rotating tokens.
fn ok_checkpoints() -> Reply {
    let mut n = 0;
    Box::new(move |_| {
        n += 1;
        (
            200,
            json!({"CheckpointToken": format!("t{n}"), "NewExecutionState": {"Operations": []}}).to_string(),
        )
    })
}

async fn run(
    url: &str,
    workflow: &impl Workflow,
    event: InvocationInput,
) -> Result<InvocationOutput, InvocationError> {
    run_invocation(workflow, event, client(url), ExecutionConfig::default()).await
}

fn checkpoints(server: &Server) -> Vec<Seen> {
    server
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.path.ends_with("/checkpoint"))
        .cloned()
        .collect()
}

#[tokio::test]
async fn runs_to_success_and_rotates_tokens() {
    let server = serve(ok_checkpoints());
    let out = run(&server.url, &three_steps(), event(None)).await.unwrap();
    assert_eq!(out.status, InvocationStatus::Succeeded);
    assert_eq!(out.result.as_deref(), Some("\"xABC\""));
    let calls = checkpoints(&server);
    assert!(!calls.is_empty());
    assert!(calls[0].path.contains("run%2Fexec"), "{}", calls[0].path);
    // Every call uses the token of the previous response.
    for (i, c) in calls.iter().enumerate() {
        assert_eq!(c.body["CheckpointToken"], json!(format!("t{i}")));
        assert_eq!(c.method, "POST");
    }
}

#[tokio::test]
async fn loads_every_state_page_before_running() {
    // First learn the step ids from a fresh run.
    let fresh = serve(ok_checkpoints());
    run(&fresh.url, &three_steps(), event(None)).await.unwrap();
    let ids: Vec<String> = checkpoints(&fresh)
        .iter()
        .flat_map(|c| c.body["Updates"].as_array().cloned().unwrap_or_default())
        .filter_map(|u| u["Id"].as_str().map(str::to_owned))
        .fold(Vec::new(), |mut v, id| {
            if !v.contains(&id) {
                v.push(id);
            }
            v
        });
    assert_eq!(ids.len(), 3);
    let step = |id: &str, result: &str| {
        json!({"Id": id, "Type": "STEP", "SubType": "Step", "Status": "SUCCEEDED", "Name": "n",
            "StartTimestamp": 1795764155.343, "EndTimestamp": 1795764155.5,
            "StepDetails": {"Attempt": 1, "Result": result}})
    };
    let (a, b) = (ids[0].clone(), ids[1].clone());
    let mut n = 0;
    let server = serve(Box::new(move |seen| {
        if seen.path.contains("/state") {
            if seen.path.contains("Marker=m1") {
                let mut op = step(&a, "\"1\"");
                op["Name"] = json!("a");
                return (200, json!({"Operations": [op], "NextMarker": "m2"}).to_string());
            }
            let mut op = step(&b, "\"2\"");
            op["Name"] = json!("b");
            return (200, json!({"Operations": [op]}).to_string());
        }
        n += 1;
        (200, json!({"CheckpointToken": format!("t{n}")}).to_string())
    }));
    let out = run(&server.url, &three_steps(), event(Some("m1"))).await.unwrap();
    // Steps a and b replay from pages 2 and 3; only c runs.
    assert_eq!(out.result.as_deref(), Some("\"x12C\""));
    let seen = server.seen.lock().unwrap().clone();
    let states: Vec<_> = seen.iter().filter(|s| s.path.contains("/state")).collect();
    assert_eq!(states.len(), 2);
    assert!(states[0].path.contains("CheckpointToken=t0") && states[0].path.contains("Marker=m1"));
    assert!(states[1].path.contains("Marker=m2"));
    let updated: Vec<String> = checkpoints(&server)
        .iter()
        .flat_map(|c| c.body["Updates"].as_array().cloned().unwrap_or_default())
        .filter_map(|u| u["Id"].as_str().map(str::to_owned))
        .collect();
    assert!(updated.iter().all(|id| *id == ids[2]), "{updated:?}");
}

fn error_reply(status: u16, ty: &'static str, message: &'static str) -> Reply {
    Box::new(move |_| (status, json!({"Type": ty, "message": message}).to_string()))
}

#[tokio::test]
async fn stale_token_makes_the_invocation_retry() {
    let server = serve(error_reply(
        400,
        "InvalidParameterValueException",
        "Invalid checkpoint token: token already used",
    ));
    let err = run(&server.url, &three_steps(), event(None)).await.unwrap_err();
    match err {
        InvocationError::Checkpoint(e) => {
            assert!(e.is_retryable(), "{e:?}");
            assert_eq!(e.code, "InvalidParameterValueException");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn server_errors_are_retried_then_fail_the_invocation() {
    let server = serve(error_reply(500, "ServiceException", "internal"));
    let err = run(&server.url, &three_steps(), event(None)).await.unwrap_err();
    assert!(
        matches!(&err, InvocationError::Checkpoint(e) if e.is_retryable()),
        "{err:?}"
    );
    // The SDK retried inside the call (3 attempts) before giving up.
    assert_eq!(checkpoints(&server).len(), 3);
}

#[tokio::test]
async fn throttling_is_retried_with_backoff_inside_the_call() {
    let mut n = 0;
    let server = serve(Box::new(move |_| {
        n += 1;
        if n <= 2 {
            (
                429,
                json!({"Type": "TooManyRequestsException", "message": "slow down"}).to_string(),
            )
        } else {
            (200, json!({"CheckpointToken": format!("t{n}")}).to_string())
        }
    }));
    let out = run(&server.url, &three_steps(), event(None)).await.unwrap();
    assert_eq!(out.status, InvocationStatus::Succeeded);

    let always = serve(error_reply(429, "TooManyRequestsException", "slow down"));
    let err = run(&always.url, &three_steps(), event(None)).await.unwrap_err();
    assert!(
        matches!(&err, InvocationError::Checkpoint(e) if e.is_retryable() && e.code == "TooManyRequestsException")
    );
}

#[tokio::test]
async fn other_client_errors_fail_the_execution() {
    let server = serve(error_reply(
        400,
        "InvalidParameterValueException",
        "Inconsistent operation",
    ));
    let out = run(&server.url, &three_steps(), event(None)).await.unwrap();
    assert_eq!(out.status, InvocationStatus::Failed);
}

#[tokio::test]
async fn unreachable_service_is_retryable() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = run(&format!("http://127.0.0.1:{port}"), &three_steps(), event(None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, InvocationError::Checkpoint(e) if e.is_retryable()),
        "{err:?}"
    );
}

#[tokio::test]
async fn missing_checkpoint_token_is_a_malformed_event() {
    let server = serve(ok_checkpoints());
    let mut ev = event(None);
    ev.checkpoint_token.clear();
    let err = run(&server.url, &three_steps(), ev).await.unwrap_err();
    assert!(matches!(err, InvocationError::MalformedEvent(_)));
    assert!(parse_event(json!({"DurableExecutionArn": "a/b"})).is_err());
    assert!(parse_event_slice(b"[1,2,3]").is_err());
}

#[tokio::test]
async fn results_above_six_mib_go_through_an_execution_checkpoint() {
    let server = serve(ok_checkpoints());
    let big = workflow_fn("big", |_ctx: DurableContext, _: String| async move {
        // Above the 6 MiB − 50 B response limit, within the 6 MiB synchronous EXECUTION payload.
        Ok::<_, DurableError>("y".repeat(6 * 1024 * 1024 - 20))
    });
    let out = run(&server.url, &big, event(None)).await.unwrap();
    assert_eq!(out.status, InvocationStatus::Succeeded, "{:?}", out.error);
    assert_eq!(out.result.as_deref(), Some(""));
    let calls = checkpoints(&server);
    let last = calls.last().unwrap();
    let update = &last.body["Updates"][0];
    assert_eq!(update["Type"], "EXECUTION");
    assert_eq!(update["Action"], "SUCCEED");
    assert_eq!(update["Payload"].as_str().unwrap().len(), 6 * 1024 * 1024 - 18);
}

/// A small deterministic generator (no extra dependency): xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 3 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(rng.next() as i64),
        3 => json!((rng.next() as f64) / 7.0),
        4 => json!(
            [
                "STEP",
                "EXECUTION",
                "STARTED",
                "",
                "x",
                "1795764155343",
                "2026-11-27T09:04:48Z",
                "\u{0}"
            ][rng.below(8)]
        ),
        5 => Value::Array((0..rng.below(4)).map(|_| random_value(rng, depth + 1)).collect()),
        _ => {
            let keys = [
                "Id",
                "Type",
                "Status",
                "StartTimestamp",
                "EndTimestamp",
                "StepDetails",
                "Attempt",
                "Result",
                "Operations",
                "NextMarker",
                "CheckpointToken",
                "NewExecutionState",
                "Error",
                "ErrorType",
                "WaitDetails",
                "ScheduledEndTimestamp",
                "CallbackDetails",
                "ParentId",
                "Name",
            ];
            Value::Object(
                (0..rng.below(6))
                    .map(|_| {
                        (
                            keys[rng.below(keys.len())].to_owned(),
                            random_value(rng, depth + 1),
                        )
                    })
                    .collect(),
            )
        }
    }
}

/// Replaces a random node of `v` with a random value.
fn mutate(rng: &mut Rng, v: &mut Value) {
    let mut node = v;
    loop {
        let children = match node {
            Value::Object(m) if !m.is_empty() => m.len(),
            Value::Array(a) if !a.is_empty() => a.len(),
            _ => 0,
        };
        if children == 0 || rng.below(3) == 0 {
            *node = random_value(rng, 2);
            return;
        }
        let i = rng.below(children);
        node = match node {
            Value::Object(m) => m.values_mut().nth(i).unwrap(),
            Value::Array(a) => &mut a[i],
            _ => unreachable!(),
        };
    }
}

#[test]
fn mutated_and_arbitrary_events_never_panic() {
    let valid = json!({
        "DurableExecutionArn": "run/exec",
        "CheckpointToken": "t0",
        "InitialExecutionState": {
            "Operations": [
                {"Id": "exec", "Type": "EXECUTION", "Status": "STARTED", "StartTimestamp": 1795764155343i64,
                 "ExecutionDetails": {"InputPayload": "\"x\""}},
                {"Id": "s", "Type": "STEP", "Status": "PENDING", "StartTimestamp": "2026-11-27T09:04:48Z",
                 "StepDetails": {"Attempt": 1, "NextAttemptTimestamp": 1795764159343i64,
                                 "Error": {"ErrorType": "E", "ErrorMessage": "m"}}}],
            "NextMarker": ""
        },
        "UpdatedOperationIds": ["s"]
    });
    assert!(parse_event(valid.clone()).is_ok());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    for i in 0..5000 {
        let mut v = valid.clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut rng, &mut v);
        }
        let candidate = if i % 5 == 0 { random_value(&mut rng, 0) } else { v };
        match parse_event(candidate.clone()) {
            Ok(input) => {
                accepted += 1;
                assert!(!input.durable_execution_arn.is_empty() && !input.checkpoint_token.is_empty());
            }
            Err(e) => assert!(matches!(e, InvocationError::MalformedEvent(_))),
        }
        // And the same as (possibly truncated) bytes.
        let text = candidate.to_string();
        let cut = rng.below(text.len() + 1);
        let _ = parse_event_slice(&text.as_bytes()[..cut]);
    }
    assert!(accepted > 0);
}

#[tokio::test]
async fn arbitrary_checkpoint_responses_are_typed_errors() {
    let bodies = Arc::new(Mutex::new(Vec::<(u16, String)>::new()));
    let queue = bodies.clone();
    let server = serve(Box::new(move |_| {
        queue.lock().unwrap().pop().unwrap_or((200, "{}".into()))
    }));
    let client = client(&server.url);
    let mut rng = Rng(42);
    let base = json!({"CheckpointToken": "t1", "NewExecutionState": {"Operations": [
        {"Id": "s", "Type": "STEP", "Status": "SUCCEEDED", "StartTimestamp": 1795764155.3,
         "StepDetails": {"Attempt": 1, "Result": "1"}}], "NextMarker": ""}});
    for i in 0..60 {
        let mut v = base.clone();
        mutate(&mut rng, &mut v);
        let status = [200, 200, 200, 400, 404, 500][i % 6];
        let text = if i % 7 == 0 {
            "not json{".to_owned()
        } else {
            v.to_string()
        };
        // Server errors are retried by the SDK: queue enough copies.
        bodies
            .lock()
            .unwrap()
            .extend(std::iter::repeat_n((status, text), 3));
        let request = durable_runtime::wire::CheckpointRequest {
            checkpoint_token: "t0".into(),
            client_token: None,
            updates: Vec::new(),
        };
        // Either a parsed response or a classified error: never a panic.
        let _ = client.checkpoint("run/exec", std::sync::Arc::new(request)).await;
        let _ = client.get_state("run/exec", "t0", "m").await;
        bodies.lock().unwrap().clear();
    }
}

/// `durable replay --from-aws`'s path: `DurableClient::history` fetches every page of
/// `GetDurableExecutionHistory` (with execution data) through aws-sdk-lambda, and the current
/// code is replayed against it.
#[tokio::test]
async fn a_history_fetched_with_aws_sdk_lambda_replays_against_the_current_code() {
    use durable_runtime::lambda::DurableClient;
    use durable_runtime::replay::{replay_history, HistoryDivergenceKind, RecordedHistory};
    use durable_runtime::testing::TestRunner;

    fn two_steps(swapped: bool) -> impl Workflow<Input = (), Output = u32> {
        workflow_fn("pay", move |ctx: DurableContext, _: ()| async move {
            let (a, b) = if swapped {
                ("charge", "reserve")
            } else {
                ("reserve", "charge")
            };
            let x: u32 = ctx.step(a, |_| async { Ok::<_, DurableError>(1) }).await?;
            ctx.wait("settle", Duration::from_secs(60)).await?;
            let y: u32 = ctx.step(b, |_| async { Ok::<_, DurableError>(2) }).await?;
            Ok(x + y)
        })
    }
    let recorded = TestRunner::new(two_steps(false)).run(&()).await.unwrap();
    let events = serde_json::to_value(recorded.history()).unwrap();
    let events = events.as_array().unwrap().clone();
    let (first, rest) = events.split_at(3);
    let (first, rest) = (first.to_vec(), rest.to_vec());
    let server = serve(Box::new(move |seen: &Seen| {
        // Two pages, as the service pages a long history.
        let page = if seen.path.contains("Marker=m2") {
            json!({ "Events": rest })
        } else {
            json!({ "Events": first, "NextMarker": "m2" })
        };
        (200, page.to_string())
    }));
    use durable_runtime::lambda::sdk::config::{BehaviorVersion, Credentials, Region};
    let config = durable_runtime::lambda::sdk::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(&server.url)
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new("x", "x", None, None, "test"))
        .build();
    let client = DurableClient::new(durable_runtime::lambda::sdk::Client::from_conf(config));
    let arn = "arn:aws:lambda:us-west-2:1:function:pay:$LATEST/durable-execution/e/1";
    let history = client.recorded_history(arn).await.unwrap();
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[0].path.contains("/history") && seen[0].path.contains("IncludeExecutionData=true"),
        "{}",
        seen[0].path
    );
    // Every event survived the SDK's types: the same operations as recorded.
    // (timestamps aside: the API's are epoch seconds with millisecond fractions).
    let shape = |h: &RecordedHistory| -> Vec<String> {
        h.operations
            .iter()
            .map(|o| {
                format!(
                    "{} {:?} {:?} {:?} {:?}",
                    o.id, o.name, o.operation_type, o.status, o.step_details
                )
            })
            .collect()
    };
    assert_eq!(
        shape(&history),
        shape(&RecordedHistory::from_events(recorded.history()))
    );
    let ok = replay_history(two_steps(false), &history).await;
    assert!(ok.is_ok(), "{ok}");
    let report = replay_history(two_steps(true), &history).await;
    let d = report.divergence.as_ref().expect("the swap is a divergence");
    assert_eq!(d.kind, HistoryDivergenceKind::Mismatch);
    assert!(
        d.recorded.contains("\"reserve\"") && d.now.contains("\"charge\""),
        "{report}"
    );
}
