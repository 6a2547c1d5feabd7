//! Runs every included snippet under `TestRunner` (replay checker on) and prints one
//! tab-separated line per snippet:
//!
//! `id  kind  category  replay  caught|missed  first-message-line`
//!
//! then summary lines. A nondeterministic snippet is `caught` if any of up to 5 runs reports
//! a divergence; a legitimate snippet is `missed` (a false alarm) if any of 3 runs does.
//!
//! ```sh
//! DURABLE_LINT=off cargo run -p durable-determinism --features all-snippets --bin replay_report
//! ```
//!
//! `--double-run` instead checks each snippet's `replay:` header without the replay checker:
//! it runs the workflow 5 times in this process (replay checker off) and reports whether the
//! runs' fingerprints (operations, names, waits, invoke inputs, outcome) differ; for
//! legitimate snippets that is expected whenever a recorded step result reaches the outcome.
//! `--only ID` (repeatable) limits either mode to some snippets.

use durable_determinism::{fingerprint, run_blocking, run_unchecked, Kind, Snippet, Verdict, SNIPPETS};
use std::collections::BTreeMap;

const NONDETERMINISTIC_RUNS: usize = 5;
const LEGITIMATE_RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut only = Vec::new();
    let mut double_run = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--double-run" => double_run = true,
            "--only" => {
                i += 1;
                only.extend(args.get(i).cloned());
            }
            other => {
                eprintln!("replay_report: unknown argument {other:?} (use --double-run, --only ID)");
                std::process::exit(2);
            }
        }
        i += 1;
    }
    let selected: Vec<&Snippet> = SNIPPETS
        .iter()
        .filter(|s| only.is_empty() || only.iter().any(|o| o == s.id))
        .collect();
    if double_run {
        double_runs(&selected);
    } else {
        report(&selected);
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().replace('\t', " ")
}

fn replay_label(s: &Snippet) -> &'static str {
    match (s.kind, s.replay_diverges) {
        (Kind::Legitimate, _) => "-",
        (Kind::Nondeterministic, true) => "diverges",
        (Kind::Nondeterministic, false) => "same",
    }
}

fn report(snippets: &[&Snippet]) {
    // (kind, replay label) -> (caught, total)
    let mut totals: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let mut by_category: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut problems = Vec::new();
    for s in snippets {
        let runs = match s.kind {
            Kind::Nondeterministic => NONDETERMINISTIC_RUNS,
            Kind::Legitimate => LEGITIMATE_RUNS,
        };
        let mut caught = None;
        let mut last = Verdict::Succeeded;
        for _ in 0..runs {
            let verdict = run_blocking(s);
            if let Verdict::Diverged(message) = &verdict {
                caught = Some(message.clone());
                break;
            }
            last = verdict;
        }
        let message = match (&caught, &last) {
            (Some(m), _) => first_line(m),
            (None, Verdict::Succeeded) => "succeeded".to_owned(),
            (None, Verdict::Failed(e)) => format!("failed: {}", first_line(e)),
            (None, Verdict::EngineError(e)) => {
                problems.push(format!("{}: {}", s.id, first_line(e)));
                format!("engine error: {}", first_line(e))
            }
            (None, Verdict::Diverged(m)) => first_line(m),
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            s.id,
            s.kind.as_str(),
            s.category,
            replay_label(s),
            if caught.is_some() { "caught" } else { "missed" },
            message
        );
        let entry = totals.entry((s.kind.as_str(), replay_label(s))).or_default();
        entry.1 += 1;
        if caught.is_some() {
            entry.0 += 1;
        }
        if s.kind == Kind::Nondeterministic {
            let entry = by_category.entry(s.category).or_default();
            entry.1 += 1;
            if caught.is_some() {
                entry.0 += 1;
            }
        }
    }
    println!();
    for ((kind, replay), (caught, total)) in &totals {
        let what = if *kind == "legitimate" {
            "false alarms"
        } else {
            "caught"
        };
        println!("summary\t{kind}\treplay={replay}\t{what} {caught}/{total}");
    }
    for (category, (caught, total)) in &by_category {
        println!("category\t{category}\tcaught {caught}/{total}");
    }
    let (caught, total) = by_category
        .values()
        .fold((0, 0), |(c, t), (cc, tt)| (c + cc, t + tt));
    println!("total\tnondeterministic\tcaught {caught}/{total}");
    for p in &problems {
        println!("problem\t{p}");
    }
}

fn double_runs(snippets: &[&Snippet]) {
    let mut mismatches = 0;
    for s in snippets {
        let mut first: Option<Vec<String>> = None;
        let mut differs = None;
        let mut error = None;
        for run in 0..NONDETERMINISTIC_RUNS {
            match run_unchecked(s) {
                Ok(Ok(result)) => {
                    let fp = fingerprint(&result);
                    match &first {
                        None => first = Some(fp),
                        Some(f) if *f != fp => {
                            let at = f
                                .iter()
                                .zip(&fp)
                                .position(|(a, b)| a != b)
                                .unwrap_or(f.len().min(fp.len()));
                            differs = Some(format!(
                                "run {}: {:?} vs {:?}",
                                run + 1,
                                f.get(at).map(String::as_str).unwrap_or("(end)"),
                                fp.get(at).map(String::as_str).unwrap_or("(end)")
                            ));
                            break;
                        }
                        Some(_) => {}
                    }
                }
                Ok(Err(e)) => {
                    error = Some(e.to_string());
                    break;
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        let observed = if differs.is_some() { "diverges" } else { "same" };
        let label = replay_label(s);
        let agrees = label == "-" || label == observed;
        if !agrees {
            mismatches += 1;
        }
        let outcome = first.as_ref().and_then(|f| f.last().cloned()).unwrap_or_default();
        println!(
            "{}\t{}\t{}\theader={}\tobserved={}\t{}\t{}",
            s.id,
            s.kind.as_str(),
            s.category,
            label,
            observed,
            match (label, agrees) {
                ("-", _) => "n/a",
                (_, true) => "ok",
                (_, false) => "MISMATCH",
            },
            error
                .map(|e| format!("error: {}", first_line(&e)))
                .or(differs)
                .unwrap_or(outcome)
        );
    }
    println!("double-run\t{} snippets\t{mismatches} mismatches", snippets.len());
}
