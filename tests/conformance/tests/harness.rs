//! Integration tests of the harness against real requirement files, with fake backends.

use std::path::{Path, PathBuf};

use durable_conformance::backend::{Backend, CallbackOperation, Observed, RunOutcome, RunSpec};
use durable_conformance::requirement::{self, Requirement};
use durable_conformance::runner::{self, Status, Verdict};
use durable_conformance::{cli, matcher, placeholders::PlaceholderContext};
use serde_json::{json, Value};

fn requirements_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/requirements")
}

fn load(label: &str) -> Requirement {
    Requirement::load(&requirements_dir().join(format!("{label}.yaml"))).unwrap()
}

/// A backend whose behaviour is a closure.
struct Fake<F>(F);

impl<F: Fn(&RunSpec) -> Result<RunOutcome, String> + Sync> Backend for Fake<F> {
    fn name(&self) -> &str {
        "fake"
    }
    fn run(&self, spec: &RunSpec) -> Result<RunOutcome, String> {
        (self.0)(spec)
    }
}

fn run_with(req: &Requirement, f: impl Fn(&RunSpec) -> Result<RunOutcome, String> + Sync) -> Verdict {
    runner::run_requirement(req, &Fake(f))
}

fn event(event_type: &str, id: u64, extra: Value) -> Value {
    let mut e = json!({"EventType": event_type, "EventId": id, "EventTimestamp": "2025-11-01T10:00:00.000Z"});
    if let (Some(map), Value::Object(more)) = (e.as_object_mut(), extra) {
        map.extend(more);
    }
    e
}

fn invocation_completed(id: u64) -> Value {
    event(
        "InvocationCompleted",
        id,
        json!({"InvocationCompletedDetails": {"StartTimestamp": 1, "EndTimestamp": 2, "RequestId": "req"}}),
    )
}

/// What a correct SDK produces for step/1-1 (and the plugin suite's single-step handlers).
fn greeting_execution(input: &str) -> Observed {
    let result = serde_json::to_string(&format!("Hello, {input}!")).unwrap();
    Observed {
        status: "SUCCEEDED".into(),
        result: Some(result.clone()),
        error: None,
        history: vec![
            event(
                "ExecutionStarted",
                1,
                json!({"Id": "exec", "ExecutionStartedDetails": {}}),
            ),
            event(
                "StepStarted",
                2,
                json!({"SubType": "Step", "Id": "c4ca4238", "StepStartedDetails": {}}),
            ),
            event(
                "StepSucceeded",
                3,
                json!({"SubType": "Step", "Id": "c4ca4238", "StepSucceededDetails": {"Result": {"Payload": result}}}),
            ),
            invocation_completed(4),
            event(
                "ExecutionSucceeded",
                5,
                json!({"ExecutionSucceededDetails": {"Result": {"Payload": result}}}),
            ),
        ],
        logs: Vec::new(),
        deviations: Vec::new(),
    }
}

fn input_str(spec: &RunSpec) -> String {
    spec.input
        .as_ref()
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn observed(o: Observed) -> Result<RunOutcome, String> {
    Ok(RunOutcome::Observed(o))
}

fn assert_failed(verdict: &Verdict, detail: &str) {
    assert_eq!(verdict.status, Status::Failed, "{verdict:?}");
    assert_eq!(verdict.detail, detail);
}

#[test]
fn correct_history_passes() {
    let req = load("step/1-1");
    let verdict = run_with(&req, |spec| {
        assert_eq!(spec.input, Some(json!("World")));
        assert!(!spec.async_invoke && spec.expects_result && spec.callback_actions.is_empty());
        observed(greeting_execution(&input_str(spec)))
    });
    assert_eq!(verdict.status, Status::Passed, "{verdict:?}");
    assert_eq!(
        (&*verdict.id, verdict.suite.as_str(), verdict.backend.as_str()),
        ("1-1", "step", "fake")
    );
    assert_eq!(verdict.detail, "Step basic (succeeds on first attempt)");
}

#[test]
fn missing_details_key_fails() {
    let verdict = run_with(&load("step/1-1"), |_| {
        let mut o = greeting_execution("World");
        o.history[3]
            .as_object_mut()
            .unwrap()
            .remove("InvocationCompletedDetails");
        observed(o)
    });
    assert_failed(
        &verdict,
        "EventId 4:.InvocationCompletedDetails: key missing in actual event",
    );
}

#[test]
fn wrong_event_type_fails_and_shows_status() {
    let verdict = run_with(&load("step/1-1"), |_| {
        let mut o = greeting_execution("World");
        o.history[2]["EventType"] = json!("StepFailed");
        o.status = "FAILED".into();
        o.error = Some(json!({"ErrorType": "Boom", "ErrorMessage": "it broke"}));
        observed(o)
    });
    assert_failed(
        &verdict,
        "EventId 3:.EventType: expected 'StepSucceeded', got 'StepFailed' \
         [ExecutionStatus: expected 'SUCCEEDED', got 'FAILED' (error: Boom: it broke)]",
    );
}

#[test]
fn mismatched_placeholder_binding_fails() {
    let verdict = run_with(&load("step/1-1"), |_| {
        let mut o = greeting_execution("World");
        o.history[2]["Id"] = json!("other");
        observed(o)
    });
    assert_failed(
        &verdict,
        "EventId 3:.Id: placeholder ${ID1} was previously bound to 'c4ca4238', but got 'other'",
    );
}

#[test]
fn missing_event_and_several_errors_are_counted() {
    let verdict = run_with(&load("step/1-1"), |_| {
        let mut o = greeting_execution("World");
        o.history.truncate(2);
        observed(o)
    });
    assert_failed(
        &verdict,
        "EventId 3: no actual event with this EventId (the history has 2 events) (+1 more)",
    );
    assert_eq!(verdict.errors.len(), 2);
}

#[test]
fn wrong_result_and_status_fail() {
    let req = load("step/1-1");
    let verdict = run_with(&req, |_| {
        let mut o = greeting_execution("World");
        o.result = Some("\"Hello, Mars!\"".into());
        observed(o)
    });
    assert_failed(&verdict, "Result: expected 'Hello, World!', got 'Hello, Mars!'");

    let verdict = run_with(&req, |_| {
        let mut o = greeting_execution("World");
        o.status = "FAILED".into();
        o.error = Some(json!({"ErrorType": "Err", "ErrorMessage": "bad"}));
        observed(o)
    });
    assert_failed(
        &verdict,
        "ExecutionStatus: expected 'SUCCEEDED', got 'FAILED' (error: Err: bad)",
    );
}

#[test]
fn null_result_compares_like_python() {
    // step/1-5 expects `Result:` (None): an absent result and a JSON null both pass, "" does not.
    let req = load("step/1-5");
    let history = |o: &mut Observed| {
        o.history[2]["StepSucceededDetails"] = json!({});
    };
    for (result, ok) in [(None, true), (Some("null"), true), (Some("\"\""), false)] {
        let verdict = run_with(&req, |_| {
            let mut o = greeting_execution("x");
            history(&mut o);
            o.result = result.map(str::to_owned);
            observed(o)
        });
        assert_eq!(verdict.status == Status::Passed, ok, "{result:?}: {verdict:?}");
    }
}

/// plugin/10-1: JSON log records from the plugin and the step.
fn plugin_logs(input: &str, step_logs: usize) -> Vec<Value> {
    let mut logs = vec![json!({"plugin": "CONFPLUGIN", "hook": "invocation-start", "first": true})];
    for _ in 0..step_logs {
        logs.push(json!({"level": "INFO", "message": format!("Greeting step running for: {input}")}));
    }
    // A raw JSON line is parsed like CloudWatch's record.
    logs.push(json!(
        r#"{"plugin": "CONFPLUGIN", "hook": "invocation-end", "status": "SUCCEEDED"}"#
    ));
    logs
}

#[test]
fn logs_are_counted_and_ordered() {
    let req = load("plugin/10-1");
    let good = run_with(&req, |spec| {
        let input = input_str(spec);
        assert_eq!(input.len(), 8, "GEN_STR:8 substituted into Input");
        let mut o = greeting_execution(&input);
        o.logs = plugin_logs(&input, 1);
        observed(o)
    });
    assert_eq!(good.status, Status::Passed, "{good:?}");

    let input = std::sync::Mutex::new(String::new());
    let twice = run_with(&req, |spec| {
        *input.lock().unwrap() = input_str(spec);
        let mut o = greeting_execution(&input_str(spec));
        o.logs = plugin_logs(&input_str(spec), 2);
        observed(o)
    });
    let input = input.into_inner().unwrap();
    assert_failed(
        &twice,
        &format!(
            "ExpectedLogs[1] match(message='/Greeting step running for: {input}/'): expected exactly 1 match(es), got 2"
        ),
    );

    let reordered = run_with(&req, |spec| {
        let mut o = greeting_execution(&input_str(spec));
        o.logs = plugin_logs(&input_str(spec), 1);
        o.logs.swap(1, 2);
        observed(o)
    });
    assert_eq!(reordered.status, Status::Failed);
    assert!(
        reordered.detail.starts_with(
            "ExpectedLogs[2] match(plugin='CONFPLUGIN', hook='invocation-end', status='SUCCEEDED'): \
             expected all matches after {'message': '/Greeting step running for: "
        ),
        "{}",
        reordered.detail
    );
}

#[test]
fn log_placeholders_bound_by_history_are_substituted() {
    // plugin/10-2 refers to ${ID1}, which only the history binds.
    let req = load("plugin/10-2");
    let verdict = run_with(&req, |spec| {
        let mut o = greeting_execution(&input_str(spec));
        o.logs = vec![
            json!({"plugin": "CONFPLUGIN", "hook": "operation-start", "op": "c4ca4238"}),
            json!({"plugin": "CONFPLUGIN", "hook": "operation-end", "op": "c4ca4238", "status": "SUCCEEDED"}),
        ];
        observed(o)
    });
    assert_eq!(verdict.status, Status::Passed, "{verdict:?}");
}

#[test]
fn async_callback_requirement_passes_with_a_faithful_backend() {
    // callback/4-5: heartbeat, then success with json.dumps(${CB_PAYLOAD}).
    let req = load("callback/4-5");
    let verdict = run_with(&req, |spec| {
        assert!(spec.async_invoke && spec.expects_result);
        let name = input_str(spec);
        let actions: Vec<_> = spec
            .callback_actions
            .iter()
            .filter(|a| a.matches(&name, &spec.placeholders))
            .collect();
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[0].operation, CallbackOperation::Heartbeat);
        let body = actions[1].success_body(&spec.placeholders).ok_or("no body")?;
        let cb = |t: &str, id: u64, details: Value| {
            let key = format!("{t}Details");
            event(
                t,
                id,
                json!({"SubType": "Callback", "Id": "cb1", "Name": name, key: details}),
            )
        };
        observed(Observed {
            status: "SUCCEEDED".into(),
            result: Some(body.clone()),
            error: None,
            history: vec![
                event("ExecutionStarted", 1, json!({})),
                cb(
                    "CallbackStarted",
                    2,
                    json!({"CallbackId": "abc", "HeartbeatTimeout": 10}),
                ),
                invocation_completed(3),
                cb("CallbackSucceeded", 4, json!({"Result": {"Payload": body}})),
                invocation_completed(5),
                event(
                    "ExecutionSucceeded",
                    6,
                    json!({"ExecutionSucceededDetails": {"Result": {"Payload": body}}}),
                ),
            ],
            logs: Vec::new(),
            deviations: Vec::new(),
        })
    });
    assert_eq!(verdict.status, Status::Passed, "{verdict:?}");
}

#[test]
fn not_implemented_errors_panics_and_optional_failures() {
    let req = load("step/1-1");
    let v = run_with(&req, |_| Ok(RunOutcome::NotImplemented("no such handler".into())));
    assert_eq!(
        (v.status, v.detail.as_str()),
        (Status::NotImplemented, "no such handler")
    );
    let v = run_with(&req, |_| Err("engine exploded".into()));
    assert_failed(&v, "backend error: engine exploded");
    let v = run_with(&req, |_| panic!("handler bug"));
    assert_failed(&v, "backend error: backend panicked: handler bug");

    let text = std::fs::read_to_string(&req.path).unwrap() + "optional: true\n";
    let optional = Requirement::parse(&req.path, &text).unwrap();
    let v = run_with(&optional, |_| observed(greeting_execution("Mars")));
    assert_eq!(v.status, Status::OptionalFailed, "{v:?}");
}

#[test]
fn whole_directory_loads_sorted_and_filters() {
    let all = requirement::load_dir(&requirements_dir()).unwrap();
    assert!(all.len() >= 100, "{}", all.len());
    let step: Vec<&str> = all.iter().filter(|r| r.suite == "step").map(|r| &*r.id).collect();
    assert_eq!(&step[..4], ["1-1", "1-2", "1-3", "1-4"]);
    assert!(step.iter().position(|id| *id == "1-9") < step.iter().position(|id| *id == "1-10"));
    let picked = requirement::select(all.clone(), &["wait".into()], &["2-1".into(), "2-3".into()]).unwrap();
    assert_eq!(
        picked.iter().map(Requirement::label).collect::<Vec<_>>(),
        ["wait/2-1", "wait/2-3"]
    );
    let err = requirement::select(all.clone(), &["nope".into()], &[]).unwrap_err();
    assert!(
        err.starts_with("unknown suite nope; available: callback, child"),
        "{err}"
    );
    assert!(requirement::select(all, &[], &["99-99".into()]).is_err());
    let err = requirement::load_dir(Path::new("/definitely/missing")).unwrap_err();
    assert!(err.contains("/definitely/missing"), "{err}");
}

#[test]
fn nothing_observed_never_passes() {
    // Every shipped file loads, and an empty observation never satisfies it.
    for req in requirement::load_dir(&requirements_dir()).unwrap() {
        let mut ctx = PlaceholderContext::from_variables(&req.variables);
        let errors = matcher::evaluate(&req, &Observed::default(), &mut ctx);
        assert!(!errors.is_empty(), "{} passed with nothing observed", req.label());
    }
}

fn cli_run(args: &[&str]) -> (u8, String, String) {
    let lookup = |name: &str| -> Option<Box<dyn Backend>> {
        (name == "local").then(|| {
            Box::new(Fake(|spec: &RunSpec| match &*spec.id {
                "1-1" => observed(greeting_execution(&input_str(spec))),
                "1-2" => Ok(RunOutcome::NotImplemented("later".into())),
                _ => Err("unsupported".into()),
            })) as Box<dyn Backend>
        })
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let dir = requirements_dir();
    let mut argv = vec!["durable-conformance", "--requirements", dir.to_str().unwrap()];
    argv.extend_from_slice(args);
    let code = cli::run(argv, &lookup, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn cli_reports_and_exit_codes() {
    let (code, out, _) = cli_run(&["--only", "1-1", "--only", "1-2"]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("PASSED  step/1-1  Step basic"), "{out}");
    assert!(lines[1].starts_with("NOT_IMPLEMENTED  step/1-2  later"), "{out}");
    assert!(lines[2]
        .starts_with("2 requirements on fake: 1 passed, 0 failed, 0 optional failed, 1 not implemented"));

    let (code, out, _) = cli_run(&["--suite", "wait", "--only", "2-1", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "{\"id\":\"2-1\",\"suite\":\"wait\",\"backend\":\"fake\",\"status\":\"FAILED\",\
         \"detail\":\"backend error: unsupported\"}\n\
         {\"summary\":{\"passed\":0,\"failed\":1,\"not_implemented\":0,\"optional_failed\":0}}\n"
    );

    let (code, _, err) = cli_run(&["--backend", "cloud"]);
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: unknown backend 'cloud'; available backends: local, emulator, differential\n"
        )
    );

    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = cli::run(["x", "--requirements", "/nope"], &|_| None, &mut out, &mut err);
    assert_eq!(code, 2);
    let code = cli::run(["x"], &|_| None, &mut out, &mut err);
    assert_eq!(code, 2, "--requirements is required");
    let code = cli::run(
        ["x", "--requirements", "/nope"],
        &|_| Some(Box::new(Fake(|_: &RunSpec| Err(String::new()))) as Box<dyn Backend>),
        &mut out,
        &mut err,
    );
    assert_eq!(code, 2);
    assert!(String::from_utf8(err)
        .unwrap()
        .contains("requirements directory /nope does not exist"));
}
