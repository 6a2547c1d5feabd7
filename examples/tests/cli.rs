//! The `durable` CLI, through the real binary: every command, its output and its exit codes.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_durable");

fn temp_db(tag: &str) -> (PathBuf, PathBuf) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("durable-cli-{tag}-{}-{nanos:x}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    (dir.join("test.db"), dir)
}

fn durable(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code and, for failures, one `durable: ...` line on stderr containing `text`.
#[track_caller]
fn expect(o: &Output, code: i32, text: &str) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        out(o),
        err(o)
    );
    if code != 0 {
        let e = err(o);
        assert!(e.starts_with("durable: ") && e.contains(text), "stderr: {e}");
        assert_eq!(e.trim_end().lines().count(), 1, "stderr: {e}");
    }
}

/// A `durable worker` child process, killed when dropped (also when a test fails).
struct WorkerProcess(Child);

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn worker(db: &Path) -> WorkerProcess {
    WorkerProcess(
        Command::new(BIN)
            .arg("--db")
            .arg(db)
            .arg("worker")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

#[test]
fn start_wait_list_show_history() {
    let (db, dir) = temp_db("run");
    let o = durable(&db, &["start", "onboarding", "--input", "\"Ada\"", "--wait"]);
    expect(&o, 0, "");
    let stdout = out(&o);
    let mut lines = stdout.lines();
    let arn = lines.next().unwrap().to_owned();
    assert!(arn.starts_with("arn:aws:lambda:local:"), "{stdout}");
    assert_eq!(
        lines.next(),
        Some(r#"{"account":"acct-ada","checks":["email ok","phone ok"],"greeting":"Welcome, Ada!"}"#)
    );
    // Progress lines, as events appeared.
    let progress = err(&o);
    for text in [
        "ExecutionStarted",
        "WaitStarted",
        "WaitSucceeded",
        "ExecutionSucceeded",
        "SUCCEEDED",
    ] {
        assert!(progress.contains(text), "{progress}");
    }

    let o = durable(&db, &["list"]);
    expect(&o, 0, "");
    let table = out(&o);
    assert!(table.starts_with("STATUS"), "{table}");
    assert!(
        table.lines().nth(1).unwrap().starts_with("SUCCEEDED  onboarding"),
        "{table}"
    );
    assert!(table.contains(&arn));
    expect(&durable(&db, &["list", "--status", "running"]), 0, "");
    assert_eq!(
        out(&durable(&db, &["list", "--status", "running"]))
            .lines()
            .count(),
        1
    );
    assert_eq!(
        out(&durable(&db, &["list", "--workflow", "nope"]))
            .lines()
            .count(),
        1
    );
    // Usage errors are clap's (several lines, with the valid values).
    let o = durable(&db, &["list", "--status", "sleeping"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("possible values"), "{}", err(&o));

    // By the full ARN, the execution id, or a prefix of the id.
    let id = arn.rsplit('/').next().unwrap();
    for given in [arn.as_str(), id, &id[..10]] {
        let o = durable(&db, &["show", given]);
        expect(&o, 0, "");
        let text = out(&o);
        assert!(text.contains("status       SUCCEEDED"), "{text}");
        assert!(text.contains("result       {\"account\""), "{text}");
        assert!(
            text.contains("WaitSucceeded") && text.contains("cool-off"),
            "{text}"
        );
    }

    let o = durable(&db, &["history", id, "--json"]);
    expect(&o, 0, "");
    let events: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(events[0]["EventType"], "ExecutionStarted");
    assert_eq!(events.last().unwrap()["EventType"], "ExecutionSucceeded");
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["EventId"], i + 1);
    }
    let o = durable(&db, &["history", id]);
    expect(&o, 0, "");
    assert_eq!(out(&o).lines().count(), events.len());

    // An execution that fails: `onboarding` takes a string, so this input fails it.
    let o = durable(&db, &["start", "onboarding", "--input", "42", "--wait"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("FAILED") && err(&o).contains("error: "),
        "{}",
        err(&o)
    );
    assert_eq!(out(&o).lines().count(), 1, "only the ARN on stdout: {}", out(&o));

    // Not found, bad input.
    expect(&durable(&db, &["show", "0000000000"]), 3, "no execution");
    expect(
        &durable(&db, &["show", "not an id"]),
        2,
        "not an execution ARN or id",
    );
    expect(&durable(&db, &["start", "nope"]), 3, "no workflow named `nope`");
    expect(
        &durable(&db, &["start", "onboarding", "--input", "{oops"]),
        2,
        "not valid JSON",
    );
    expect(&durable(&db, &["stop", id]), 4, "not running");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn callbacks_stop_and_errors() {
    let (db, dir) = temp_db("callbacks");
    let log = dir.join("effects.log");
    let input = serde_json::json!({ "log": log }).to_string();
    let o = durable(&db, &["start", "crash-mix", "--input", &input]);
    expect(&o, 0, "");
    let arn = out(&o).trim().to_owned();
    let o = durable(&db, &["start", "crash-mix", "--input", &input]);
    let other = out(&o).trim().to_owned();

    let w = worker(&db);
    // A second worker on the same database is refused.
    std::thread::sleep(Duration::from_millis(300));
    expect(&durable(&db, &["worker"]), 4, "another worker");

    // Wait for the callback to open; `show` prints the command that answers it (by
    // execution and name) and its id.
    let deadline = Instant::now() + Duration::from_secs(30);
    let id = loop {
        let text = out(&durable(&db, &["show", &arn]));
        if let Some(line) = text.lines().find(|l| l.trim_start().starts_with("id ")) {
            assert!(
                text.contains("  approval  (position 5)") && text.contains("--name approval --result 'JSON'"),
                "{text}"
            );
            break line.split_whitespace().nth(1).unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "no open callback:\n{text}");
        std::thread::sleep(Duration::from_millis(200));
    };
    expect(
        &durable(&db, &["callback", "succeed", &id, "--result", "{oops"]),
        2,
        "not valid JSON",
    );
    expect(
        &durable(&db, &["callback", "succeed", "bogus-id"]),
        3,
        "unknown callback",
    );
    expect(&durable(&db, &["callback", "heartbeat", &id]), 0, "");
    expect(
        &durable(&db, &["callback", "succeed", &id, "--result", "\"yes\""]),
        0,
        "",
    );
    expect(
        &durable(&db, &["callback", "succeed", &id, "--result", "\"again\""]),
        4,
        "already",
    );
    expect(
        &durable(
            &db,
            &["callback", "fail", &id, "--error-type", "Nope", "--message", "no"],
        ),
        4,
        "already",
    );

    // Stop the other one.
    expect(&durable(&db, &["stop", &other]), 0, "");
    expect(&durable(&db, &["stop", &other]), 4, "not running");

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = out(&durable(&db, &["show", &arn]));
        if text.contains("status       SUCCEEDED") {
            assert!(text.contains("\"approval\":\"yes\""), "{text}");
            break;
        }
        assert!(Instant::now() < deadline, "not finished:\n{text}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let text = out(&durable(&db, &["list", "--status", "stopped"]));
    assert!(text.contains(&other), "{text}");
    drop(w);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn missing_database_and_usage() {
    let (db, dir) = temp_db("missing");
    expect(&durable(&db, &["list"]), 3, "no database");
    assert!(!db.exists(), "list created the database");
    let o = durable(&db, &["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = durable(&db, &["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(out(&o).contains("Exit codes"));
    // DURABLE_DB names the database.
    let o = Command::new(BIN)
        .args(["start", "onboarding", "--input", "\"Env\""])
        .env("DURABLE_DB", &db)
        .output()
        .unwrap();
    expect(&o, 0, "");
    assert!(db.exists());
    let _ = std::fs::remove_dir_all(dir);
}

/// Ctrl-C (SIGINT) and SIGTERM stop a worker gracefully: exit 0, nothing lost, and the next
/// worker finishes the work.
#[cfg(unix)]
#[test]
fn worker_shuts_down_gracefully() {
    let (db, dir) = temp_db("shutdown");
    let o = durable(&db, &["start", "onboarding", "--input", "\"Grace\""]);
    let arn = out(&o).trim().to_owned();
    for signal in ["-INT", "-TERM"] {
        let w = Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .arg("worker")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(700));
        let sent = Command::new("kill")
            .arg(signal)
            .arg(w.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success());
        let o = w.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        assert!(err(&o).contains("durable worker: stopped"), "{}", err(&o));
        let mut claim = db.as_os_str().to_owned();
        claim.push("-worker");
        assert!(!Path::new(&claim).exists(), "the worker left its claim behind");
    }
    // The execution was mid-wait; a new worker finishes it.
    let w = worker(&db);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !out(&durable(&db, &["show", &arn])).contains("status       SUCCEEDED") {
        assert!(
            Instant::now() < deadline,
            "{}",
            out(&durable(&db, &["show", &arn]))
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(w);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn replay_a_recorded_history_against_this_build() {
    let (db, dir) = temp_db("replay");
    let o = durable(&db, &["start", "onboarding", "--input", "\"Ada\"", "--wait"]);
    expect(&o, 0, "");
    let arn = out(&o).lines().next().unwrap().to_owned();
    let o = durable(&db, &["history", &arn, "--json"]);
    expect(&o, 0, "");
    let recorded = dir.join("history.json");
    std::fs::write(&recorded, out(&o)).unwrap();

    // The binary that recorded it replays it: OK.
    let path = recorded.to_str().unwrap();
    let o = durable(&db, &["replay", "--history", path]);
    expect(&o, 0, "");
    assert!(
        out(&o).starts_with("replay of workflow `onboarding` against the recorded history: OK"),
        "{}",
        out(&o)
    );

    // A history whose first step has another name: what an execution recorded by a build
    // that named it differently looks like to this one.
    let renamed = dir.join("renamed.json");
    std::fs::write(
        &renamed,
        out(&o_history(&db, &arn)).replace("create-account", "open-account"),
    )
    .unwrap();
    let o = durable(
        &db,
        &[
            "replay",
            "--history",
            renamed.to_str().unwrap(),
            "--workflow",
            "onboarding",
        ],
    );
    assert_eq!(o.status.code(), Some(6), "{}{}", out(&o), err(&o));
    let report = out(&o);
    assert!(
        report.contains("diverges from the recorded history at operation 1"),
        "{report}"
    );
    assert!(report.contains("history has: STEP \"open-account\""), "{report}");
    assert!(
        report.contains("the code now: STEP \"create-account\""),
        "{report}"
    );
    assert!(
        report.contains("created at: examples/src/workflows.rs:"),
        "{report}"
    );

    // Misuse: a file that is no history, an unknown workflow.
    let bogus = dir.join("bogus.json");
    std::fs::write(&bogus, "{\"Foo\": 1}").unwrap();
    expect(
        &durable(&db, &["replay", "--history", bogus.to_str().unwrap()]),
        2,
        "not a recorded history",
    );
    expect(
        &durable(&db, &["replay", "--history", path, "--workflow", "nope"]),
        3,
        "no workflow named `nope`",
    );
    expect(&durable(&db, &["replay"]), 2, "--history");
    let o = durable(&db, &["workflows"]);
    expect(&o, 0, "");
    assert!(out(&o).lines().any(|l| l == "onboarding"), "{}", out(&o));
    let _ = std::fs::remove_dir_all(dir);
}

/// Polls `durable show` until its output contains `text`.
#[track_caller]
fn show_until(db: &Path, execution: &str, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let shown = out(&durable(db, &["show", execution]));
        if shown.contains(text) {
            return shown;
        }
        assert!(Instant::now() < deadline, "no `{text}` in:\n{shown}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Callbacks answered by execution and name: `wait_for_callback`'s name, a path through map
/// items when several open callbacks share a name, the errors, and short execution ids.
#[test]
fn callbacks_by_name() {
    let (db, dir) = temp_db("by-name");
    let o = durable(&db, &["start", "sign-offs", "--input", r#"["ada","grace"]"#]);
    expect(&o, 0, "");
    let arn = out(&o).trim().to_owned();
    let id = arn.rsplit('/').next().unwrap().to_owned();
    let short = &id[..6];
    let w = worker(&db);

    // Two open callbacks named `sign-off` (one per map item), told apart by their paths.
    let shown = show_until(&db, short, "sign-offs/grace/sign-off");
    for who in ["ada", "grace"] {
        assert!(
            shown.contains(&format!("--name sign-offs/{who}/sign-off --result 'JSON'")),
            "{shown}"
        );
    }
    assert!(
        shown.contains("sign-offs/ada/sign-off  (position 1-1-1-1)"),
        "{shown}"
    );
    // The callback's name in the timeline, though its events carry none.
    assert!(
        shown
            .lines()
            .any(|l| l.contains("CallbackStarted") && l.trim_end().ends_with("sign-off")),
        "{shown}"
    );

    let o = durable(&db, &["callback", "succeed", short, "--name", "sign-off"]);
    expect(&o, 2, "`sign-off` is ambiguous: 2 open callbacks");
    for text in [
        "`sign-offs/ada/sign-off` (position 1-1-1-1)",
        "`sign-offs/grace/sign-off` (position 1-2-1-1)",
        "--name sign-offs/ada/sign-off",
        "callback succeed CALLBACK_ID",
    ] {
        assert!(err(&o).contains(text), "{}", err(&o));
    }
    let o = durable(&db, &["callback", "succeed", short, "--name", "final-approval"]);
    expect(
        &o,
        3,
        "has no callback named `final-approval`; its open callbacks: `sign-offs/ada/sign-off`",
    );
    expect(
        &durable(&db, &["callback", "succeed", "ffffffffff", "--name", "x"]),
        3,
        "no execution `ffffffffff`",
    );

    let ada = "sign-offs/ada/sign-off";
    let o = durable(&db, &["callback", "heartbeat", short, "--name", ada]);
    expect(&o, 0, "");
    assert_eq!(out(&o).trim(), "callback `sign-offs/ada/sign-off` heartbeat sent");
    expect(
        &durable(
            &db,
            &["callback", "succeed", short, "--name", ada, "--result", "{oops"],
        ),
        2,
        "not valid JSON",
    );
    expect(
        &durable(
            &db,
            &["callback", "succeed", short, "--name", ada, "--result", "\"ok\""],
        ),
        0,
        "",
    );
    expect(
        &durable(
            &db,
            &["callback", "succeed", short, "--name", ada, "--result", "\"ok\""],
        ),
        4,
        "callback `sign-offs/ada/sign-off` (position 1-1-1-1) of execution",
    );
    // Only one `sign-off` is open now: the name alone is enough.
    expect(
        &durable(
            &db,
            &[
                "callback", "succeed", &arn, "--name", "sign-off", "--result", "\"fine\"",
            ],
        ),
        0,
        "",
    );

    // `wait_for_callback("final-approval", ..)`: its name, and the command `show` prints
    // answers it as printed.
    let shown = show_until(&db, short, "final-approval  (position 2-1)");
    let command = shown
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("answer  "))
        .unwrap()
        .to_owned();
    assert!(
        command.contains(&format!("callback succeed {} --name final-approval", &id[..8])),
        "{command}"
    );
    let mut words: Vec<String> = command.split_whitespace().skip(1).map(str::to_owned).collect();
    *words.last_mut().unwrap() = r#"{"approved":true}"#.to_owned();
    let o = Command::new(BIN).args(&words).output().unwrap();
    expect(&o, 0, "");
    assert_eq!(out(&o).trim(), "callback `final-approval` succeeded");

    let shown = show_until(&db, &id, "status       SUCCEEDED");
    assert!(
        shown.contains(r#"result       {"final":{"approved":true},"sign_offs":["ok","fine"]}"#),
        "{shown}"
    );
    expect(
        &durable(
            &db,
            &[
                "callback",
                "fail",
                short,
                "--name",
                "final-approval",
                "--error-type",
                "T",
                "--message",
                "m",
            ],
        ),
        4,
        "already ended (SUCCEEDED)",
    );
    // Short ids everywhere an execution is named.
    expect(&durable(&db, &["history", short]), 0, "");
    expect(&durable(&db, &["stop", short]), 4, "not running");
    drop(w);
    let _ = std::fs::remove_dir_all(dir);
}

/// `start --wait` prints, as each callback opens, the by-name command that answers it.
#[test]
fn start_wait_prints_the_by_name_answer() {
    use std::io::{BufRead, BufReader};
    let (db, dir) = temp_db("wait-hint");
    let mut child = WorkerProcess(
        Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .args(["start", "sign-offs", "--input", r#"["solo"]"#, "--wait"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // Lines on a channel, so a hint that never comes fails the test instead of hanging it.
    let stderr = BufReader::new(child.0.stderr.take().unwrap());
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || stderr.lines().map_while(Result::ok).try_for_each(|l| tx.send(l)));
    let mut answered = Vec::new();
    let mut progress = String::new();
    loop {
        let line = match lines.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => line,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(e) => panic!("{e}: {progress}"),
        };
        progress.push_str(&line);
        progress.push('\n');
        let Some(command) = line.trim_start().strip_prefix("answer it: ") else {
            continue;
        };
        let mut words: Vec<String> = command.split_whitespace().skip(1).map(str::to_owned).collect();
        let name = words[words.iter().position(|w| w == "--name").unwrap() + 1].clone();
        *words.last_mut().unwrap() = format!("\"{name} ok\"");
        let o = Command::new(BIN).args(&words).output().unwrap();
        expect(&o, 0, "");
        answered.push(name);
    }
    // One item: its name alone tells it apart.
    assert_eq!(answered, ["sign-off", "final-approval"], "{progress}");
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.0.stdout.take().unwrap(), &mut stdout).unwrap();
    assert_eq!(child.0.wait().unwrap().code(), Some(0), "{progress}");
    assert!(
        stdout.contains(r#"{"final":"final-approval ok","sign_offs":["sign-off ok"]}"#),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn o_history(db: &Path, arn: &str) -> Output {
    durable(db, &["history", arn, "--json"])
}
