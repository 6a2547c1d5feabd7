//! The subscriber `lambda_runtime` sets up (`lambda_runtime::tracing::init_default_subscriber`,
//! here `init_default_subscriber_with_writer` with a buffer instead of standard output, the
//! rest identical) with Lambda's JSON log format: the default log sink sees it installed, and
//! `ctx.logger()` records come out as JSON lines carrying their fields and spans.
//!
//! A test binary of its own: the subscriber is the process's global default.

use durable_runtime::local::LocalEngine;
use durable_runtime::prelude::*;
use durable_runtime::StepContext;
use serde_json::Value;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Where the subscriber writes, shared with the test.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn lines(&self) -> Vec<Value> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
            .collect()
    }
}

#[tokio::test]
async fn under_lambda_runtimes_json_subscriber_records_are_json_lines_with_their_fields() {
    // Lambda's advanced logging controls, as the Lambda service sets them.
    std::env::set_var("AWS_LAMBDA_LOG_FORMAT", "JSON");
    std::env::set_var("AWS_LAMBDA_LOG_LEVEL", "INFO");
    std::env::remove_var("RUST_LOG");
    let buffer = Buffer::default();
    let writer = buffer.clone();
    lambda_runtime::tracing::init_default_subscriber_with_writer(move || writer.clone());

    let wf = workflow_fn("greeter", |ctx: DurableContext, name: String| async move {
        ctx.logger().info(format!("greeting {name}"));
        let greeting: String = ctx
            .step("compose", move |s: StepContext| async move {
                tracing::info!(chars = name.len(), "composing");
                s.logger.info("composed");
                Ok::<_, DurableError>(format!("hello, {name}"))
            })
            .await?;
        ctx.wait("pause", Duration::from_secs(60)).await?;
        ctx.logger().info("done");
        Ok(greeting)
    });
    // The local engine with its default options runs each invocation as `lambda::run` does:
    // `run_invocation` with `ExecutionConfig::default()`, whose sink is `AutoSink`.
    let engine = LocalEngine::in_memory();
    let arn = engine.start_execution("greeter", Some("\"ada\"")).unwrap();
    let record = engine.run_to_completion(&Arc::new(wf), &arn).await.unwrap();
    assert_eq!(record.result.as_deref(), Some("\"hello, ada\""));
    assert_eq!(record.invocations, 2);

    let lines = buffer.lines();
    for line in &lines {
        println!("{line}");
    }
    let message = |line: &Value| line["fields"]["message"].as_str().unwrap_or("").to_owned();
    let messages: Vec<String> = lines.iter().map(message).collect();
    // Once each, though the second invocation replayed the first's code; no debug events at
    // the INFO level Lambda's controls asked for.
    assert_eq!(messages, ["greeting ada", "composing", "composed", "done"]);

    let greeting = &lines[0];
    assert_eq!(greeting["level"], "INFO");
    assert_eq!(greeting["fields"]["execution_arn"], arn.as_str());
    assert_eq!(greeting["span"]["name"], "invocation");
    assert_eq!(greeting["span"]["execution_arn"], arn.as_str());

    let step_id = record
        .operations
        .iter()
        .find(|o| o.name.as_deref() == Some("compose"))
        .map(|o| o.id.clone())
        .unwrap();
    for line in &lines[1..3] {
        // The step's span, inside the invocation's.
        assert_eq!(line["span"]["name"], "step", "{line}");
        assert_eq!(line["span"]["operation_name"], "compose");
        assert_eq!(line["span"]["operation_id"], &*step_id);
        assert_eq!(line["span"]["attempt"], 1);
        let spans: Vec<&str> = line["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(spans, ["invocation", "step"]);
    }
    assert_eq!(lines[1]["fields"]["chars"], 3);
    assert_eq!(lines[2]["fields"]["operation_name"], "compose");
    assert_eq!(lines[2]["fields"]["operation_id"], &*step_id);
    assert_eq!(lines[2]["fields"]["attempt"], 1);
    assert_eq!(lines[3]["span"]["replaying"], true);
}
