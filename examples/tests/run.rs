//! Every example runs locally with one command (`cargo run -p durable-examples --bin run --
//! <name>`), on a SQLite file, in real time, and finishes within seconds.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_run");

fn example_names() -> Vec<String> {
    let out = Command::new(BIN).arg("--list").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn every_example_runs_to_its_end() {
    let names = example_names();
    assert!(names.len() >= 10, "{names:?}");
    let dir = std::env::temp_dir().join(format!("durable-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let runs: Vec<_> = names
        .iter()
        .map(|name| {
            let db = dir.join(format!("{name}.db"));
            let name = name.clone();
            std::thread::spawn(move || {
                let out = Command::new(BIN)
                    .arg(&name)
                    .arg("--db")
                    .arg(&db)
                    .output()
                    .unwrap();
                (name, out)
            })
        })
        .collect();
    for run in runs {
        let (name, out) = run.join().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{name}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("\nhistory\n"), "{name} prints its history");
        assert!(stdout.contains("ExecutionStarted"), "{name}: {stdout}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_rejection_can_be_given_on_the_command_line() {
    let db = std::env::temp_dir().join(format!("durable-run-reject-{}.db", std::process::id()));
    let out = Command::new(BIN)
        .args([
            "approval",
            "--answer",
            r#"{"approved":false,"reason":"over budget"}"#,
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains(r#""status":"rejected""#), "{stdout}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

#[test]
fn an_unknown_example_is_a_usage_error() {
    let out = Command::new(BIN).arg("nope").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown example"));
}
