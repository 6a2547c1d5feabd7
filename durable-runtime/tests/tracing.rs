//! The SDK's `tracing` spans and events, as a subscriber sees them: a span per invocation,
//! per step attempt and per child context; `ctx.logger()` records as events inside them,
//! once per execution however often the workflow replays; a user's own `tracing::info!` in a
//! step body inside that step's span.
//!
//! Each test installs a capturing layer for its own thread (`set_default`); the test
//! runner's invocations run on that thread (current-thread runtime) and carry the subscriber
//! into the tasks they spawn.

use durable_runtime::prelude::*;
use durable_runtime::testing::TestRunner;
use durable_runtime::StepContext;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// Field values as text (strings unquoted).
#[derive(Clone, Debug, Default, PartialEq)]
struct Fields(BTreeMap<String, String>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

#[derive(Clone, Debug)]
struct SpanSeen {
    name: &'static str,
    fields: Fields,
}

#[derive(Clone, Debug)]
struct EventSeen {
    target: String,
    level: Level,
    fields: Fields,
    /// Enclosing spans, innermost first.
    scope: Vec<SpanSeen>,
}

impl EventSeen {
    fn message(&self) -> &str {
        self.fields.get("message").unwrap_or("")
    }

    fn scope_names(&self) -> Vec<&str> {
        self.scope.iter().map(|s| s.name).collect()
    }
}

/// Records every event with its fields and the fields of its enclosing spans.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<EventSeen>>>);

impl Capture {
    fn events(&self) -> Vec<EventSeen> {
        self.0.lock().unwrap().clone()
    }

    fn with_message(&self, message: &str) -> Vec<EventSeen> {
        self.events()
            .into_iter()
            .filter(|e| e.message() == message)
            .collect()
    }

    /// Installs it for this thread, under a registry (the spans' store).
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        tracing::subscriber::set_default(tracing_subscriber::registry().with(self.clone()))
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(fields) = span.extensions_mut().get_mut::<Fields>() {
                values.record(fields);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let scope = ctx
            .event_scope(event)
            .map(|scope| {
                scope
                    .map(|span| SpanSeen {
                        name: span.name(),
                        fields: span.extensions().get::<Fields>().cloned().unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.0.lock().unwrap().push(EventSeen {
            target: event.metadata().target().to_owned(),
            level: *event.metadata().level(),
            fields,
            scope,
        });
    }
}

#[tokio::test]
async fn a_users_event_in_a_step_lands_in_the_attempts_span_inside_the_invocation() {
    let capture = Capture::default();
    let _guard = capture.install();
    let wf = workflow_fn("charge-card", |ctx: DurableContext, cents: u32| async move {
        ctx.step("charge", move |s: StepContext| async move {
            tracing::info!(cents, "charging");
            if s.attempt < 2 {
                Err("card declined".to_owned())
            } else {
                Ok(cents)
            }
        })
        .await
    });
    let r = TestRunner::new(wf).run(&250u32).await.unwrap();
    assert_eq!(r.output::<u32>().unwrap(), 250);
    let charge_id = r.operation("charge").unwrap().id.clone();

    let charging = capture.with_message("charging");
    assert_eq!(charging.len(), 2, "one per attempt: {charging:#?}");
    for (event, attempt) in charging.iter().zip(["1", "2"]) {
        assert_eq!(event.scope_names(), ["step", "invocation"], "{event:#?}");
        assert_eq!(event.fields.get("cents"), Some("250"));
        let step = &event.scope[0].fields;
        assert_eq!(step.get("operation_name"), Some("charge"));
        assert_eq!(step.get("operation_id"), Some(&*charge_id));
        assert_eq!(step.get("path"), Some("1"));
        assert_eq!(step.get("type"), Some("STEP"));
        assert_eq!(step.get("sub_type"), Some("Step"));
        assert_eq!(step.get("attempt"), Some(attempt));
        assert_eq!(step.get("replaying"), Some("false"));
        let invocation = &event.scope[1].fields;
        assert_eq!(invocation.get("execution_arn"), Some(r.record().arn.as_str()));
    }
    // The retry suspended the first invocation; the second began by replaying.
    assert_eq!(charging[0].scope[1].fields.get("replaying"), Some("false"));
    assert_eq!(charging[1].scope[1].fields.get("replaying"), Some("true"));
    assert_eq!(charging[1].scope[1].fields.get("operations"), Some("2"));

    // The failed attempt is an engine event in the same span.
    let failed = capture.with_message("step attempt failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].target, "durable");
    assert_eq!(failed[0].level, Level::DEBUG);
    assert_eq!(failed[0].fields.get("error_message"), Some("card declined"));
    assert_eq!(failed[0].scope[0].fields.get("attempt"), Some("1"));
}

/// Logs before and in a step, waits (the second invocation replays both), logs again.
fn logging_workflow() -> impl Workflow<Input = (), Output = ()> {
    workflow_fn("logging", |ctx: DurableContext, _: ()| async move {
        ctx.logger().info("before the wait");
        ctx.step("fetch", |s: StepContext| async move {
            s.logger.warn("fetching");
            Ok::<_, DurableError>(())
        })
        .await?;
        ctx.wait("pause", Duration::from_secs(60)).await?;
        ctx.logger().info("after the wait");
        Ok(())
    })
}

#[tokio::test]
async fn logger_records_are_events_once_per_execution_despite_the_replay() {
    let capture = Capture::default();
    let _guard = capture.install();
    let r = TestRunner::new(logging_workflow()).run(&()).await.unwrap();
    assert_eq!(
        r.record().invocations,
        2,
        "the wait suspends the first invocation"
    );
    let arn = r.record().arn.as_str();

    let logged: Vec<EventSeen> = capture
        .events()
        .into_iter()
        .filter(|e| e.target == "durable::log")
        .collect();
    let messages: Vec<&str> = logged.iter().map(EventSeen::message).collect();
    assert_eq!(messages, ["before the wait", "fetching", "after the wait"]);
    // The test runner still collects the same records.
    let collected: Vec<&str> = r.logs().iter().map(|l| l.message.as_str()).collect();
    assert_eq!(collected, messages);

    let before = &logged[0];
    assert_eq!(before.level, Level::INFO);
    assert_eq!(before.fields.get("execution_arn"), Some(arn));
    assert_eq!(before.fields.get("operation_id"), None);
    assert_eq!(before.scope_names(), ["invocation"]);
    assert_eq!(before.scope[0].fields.get("replaying"), Some("false"));

    let fetching = &logged[1];
    let fetch_id = r.operation("fetch").unwrap().id.clone();
    assert_eq!(fetching.level, Level::WARN);
    assert_eq!(fetching.fields.get("operation_id"), Some(&*fetch_id));
    assert_eq!(fetching.fields.get("operation_name"), Some("fetch"));
    assert_eq!(fetching.fields.get("attempt"), Some("1"));
    assert_eq!(fetching.scope_names(), ["step", "invocation"]);

    let after = &logged[2];
    assert_eq!(after.scope_names(), ["invocation"]);
    assert_eq!(after.scope[0].fields.get("replaying"), Some("true"));

    // The wait: started in the first invocation, ended (the timer fired while the execution
    // was suspended) at the start of the second, each once.
    let started = capture.with_message("operation started");
    assert_eq!(started.len(), 1, "{started:#?}");
    assert_eq!(started[0].fields.get("type"), Some("WAIT"));
    assert_eq!(started[0].fields.get("operation_name"), Some("pause"));
    let ended = capture.with_message("operation ended");
    assert_eq!(ended.len(), 1, "{ended:#?}");
    assert_eq!(ended[0].fields.get("status"), Some("SUCCEEDED"));
    assert_eq!(ended[0].scope[0].fields.get("replaying"), Some("true"));
}

#[tokio::test]
async fn without_a_subscriber_the_runner_still_collects_the_records() {
    let r = TestRunner::new(logging_workflow()).run(&()).await.unwrap();
    let collected: Vec<&str> = r.logs().iter().map(|l| l.message.as_str()).collect();
    assert_eq!(collected, ["before the wait", "fetching", "after the wait"]);
}

#[tokio::test]
async fn steps_of_child_contexts_and_map_items_nest_in_their_contexts_spans() {
    let capture = Capture::default();
    let _guard = capture.install();
    let wf = workflow_fn("nested", |ctx: DurableContext, _: ()| async move {
        ctx.run_in_child_context("group", |group: DurableContext| async move {
            group
                .step("inner", |_| async {
                    tracing::info!("in the group");
                    Ok::<_, DurableError>(())
                })
                .await
        })
        .await?;
        let doubled = ctx
            .map(
                "items",
                vec![1u32, 2],
                |item_ctx: DurableContext, item: u32, _| async move {
                    item_ctx
                        .step("double", move |_| async move {
                            tracing::info!(item, "doubling");
                            Ok::<_, DurableError>(item * 2)
                        })
                        .await
                },
            )
            .await?;
        let answer: String = ctx
            .wait_for_callback("approval", |_id: String, _| async {
                tracing::info!("submitting");
                Ok::<_, DurableError>(())
            })
            .await?;
        Ok(format!("{:?} {answer}", doubled.all.len()))
    });
    let runner = TestRunner::new(wf);
    runner.answer_callback("approval", serde_json::json!("yes"));
    let r = runner.run(&()).await.unwrap();
    assert_eq!(r.output::<String>().unwrap(), "2 yes");

    let group = capture.with_message("in the group");
    assert_eq!(group.len(), 1);
    assert_eq!(group[0].scope_names(), ["step", "context", "invocation"]);
    assert_eq!(group[0].scope[0].fields.get("operation_name"), Some("inner"));
    assert_eq!(group[0].scope[0].fields.get("path"), Some("1-1"));
    let context = &group[0].scope[1].fields;
    assert_eq!(context.get("operation_name"), Some("group"));
    assert_eq!(context.get("type"), Some("CONTEXT"));
    assert_eq!(context.get("sub_type"), Some("RunInChildContext"));
    assert_eq!(
        context.get("operation_id"),
        Some(&*r.operation("group").unwrap().id)
    );

    let doubling = capture.with_message("doubling");
    assert_eq!(doubling.len(), 2);
    for (event, index) in doubling.iter().zip(0..) {
        assert_eq!(
            event.scope_names(),
            ["step", "context", "context", "invocation"],
            "{event:#?}"
        );
        assert_eq!(event.fields.get("item"), Some(&*(index + 1).to_string()));
        let item = &event.scope[1].fields;
        assert_eq!(item.get("sub_type"), Some("MapIteration"));
        assert_eq!(item.get("operation_name"), Some(&*format!("map-item-{index}")));
        let map = &event.scope[2].fields;
        assert_eq!(map.get("sub_type"), Some("Map"));
        assert_eq!(map.get("operation_name"), Some("items"));
    }

    // The submitter of a wait-for-callback is a step inside its context.
    let submitting = capture.with_message("submitting");
    assert_eq!(submitting.len(), 1);
    assert_eq!(submitting[0].scope_names(), ["step", "context", "invocation"]);
    assert_eq!(
        submitting[0].scope[1].fields.get("sub_type"),
        Some("WaitForCallback")
    );
    assert_eq!(
        submitting[0].scope[1].fields.get("operation_name"),
        Some("approval")
    );
    // Its callback started once and ended once (answered while the execution was suspended).
    let callback = |e: &&EventSeen| e.fields.get("type") == Some("CALLBACK");
    assert_eq!(
        capture
            .with_message("operation started")
            .iter()
            .filter(callback)
            .count(),
        1
    );
    assert_eq!(
        capture
            .with_message("operation ended")
            .iter()
            .filter(callback)
            .count(),
        1
    );
}

#[tokio::test]
async fn the_replay_checker_records_nothing() {
    // The runner replays every invocation a second time (on by default), running the bodies
    // of the contexts the invocation entered aside. What that replay records with `tracing`
    // reaches no subscriber: orchestration code that records directly (not replay-aware)
    // appears once per invocation, and a context body once per run of it.
    let capture = Capture::default();
    let _guard = capture.install();
    let wf = workflow_fn("orchestration", |ctx: DurableContext, _: ()| async move {
        tracing::info!("orchestrating");
        ctx.run_in_child_context("group", |_: DurableContext| async move {
            tracing::info!("in the group body");
            Ok(())
        })
        .await?;
        ctx.wait("pause", Duration::from_secs(5)).await
    });
    let r = TestRunner::new(wf).run(&()).await.unwrap();
    assert_eq!(r.record().invocations, 2);
    assert_eq!(capture.with_message("orchestrating").len(), 2);
    // The second invocation returns the completed context's result without running it.
    let bodies = capture.with_message("in the group body");
    assert_eq!(bodies.len(), 1, "{bodies:#?}");
    assert_eq!(bodies[0].scope_names(), ["context", "invocation"]);
    assert_eq!(bodies[0].scope[0].fields.get("replaying"), Some("false"));
}
