//! The replay checker (layer 3) against the corpus: it must never cry wolf on a legitimate
//! snippet (beyond the false alarms `corpus/expected.tsv` already records), and it must keep
//! catching the nondeterministic snippets `corpus/expected.tsv` records as caught
//! (`replay_check = yes`).
//!
//! Without the `all-snippets` feature only the legitimate snippets and the nondeterministic
//! ones the macro's lint lets through are compiled (see `build.rs`); with it (and
//! `DURABLE_LINT=off`), every snippet.

use durable_determinism::{expected, run_blocking, Kind, Verdict, SNIPPETS};

const LEGITIMATE_RUNS: usize = 3;
const NONDETERMINISTIC_RUNS: usize = 5;

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

#[test]
fn legitimate_snippets_never_diverge() {
    // False alarms the measurement already recorded (`expected.tsv`: a legitimate snippet
    // with `replay_check = yes`) are printed, not failed on: they are the replay checker's
    // open bugs, counted in the published rates. Any other false alarm fails.
    let known: Vec<String> = expected()
        .into_iter()
        .filter(|r| r.kind.starts_with("legit") && r.replay_check == "yes")
        .map(|r| r.snippet)
        .collect();
    let mut problems = Vec::new();
    let mut checked = 0;
    for s in SNIPPETS.iter().filter(|s| s.kind == Kind::Legitimate) {
        checked += 1;
        for run in 1..=LEGITIMATE_RUNS {
            match run_blocking(s) {
                Verdict::Diverged(report) if known.iter().any(|k| k == s.id) => {
                    eprintln!(
                        "known false alarm (expected.tsv), not failed on: {}: {}",
                        s.id,
                        first_line(&report)
                    );
                    break;
                }
                Verdict::Diverged(report) => {
                    problems.push(format!("{} (run {run}): false alarm: {report}", s.id));
                    break;
                }
                Verdict::EngineError(e) => {
                    problems.push(format!("{} (run {run}): did not run: {}", s.id, first_line(&e)));
                    break;
                }
                Verdict::Succeeded | Verdict::Failed(_) => {}
            }
        }
    }
    assert!(checked > 0, "no legitimate snippet was compiled in");
    assert!(
        problems.is_empty(),
        "{} of {checked} legitimate snippets:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// One test for every nondeterministic snippet, in order: some only diverge on the first run
/// in a process (a cache or a "seen" set in a static fills up), so no other test may run them
/// first.
#[test]
fn nondeterministic_snippets_run_and_the_caught_ones_still_diverge() {
    let must_diverge: Vec<String> = expected()
        .into_iter()
        .filter(|r| r.kind.starts_with("nondet") && r.replay_check == "yes")
        .map(|r| r.snippet)
        .collect();
    let mut problems = Vec::new();
    let mut pinned = 0;
    for s in SNIPPETS.iter().filter(|s| s.kind == Kind::Nondeterministic) {
        let pin = must_diverge.iter().any(|id| id == s.id);
        pinned += usize::from(pin);
        let runs = if pin { NONDETERMINISTIC_RUNS } else { 1 };
        let mut verdicts = Vec::new();
        for _ in 0..runs {
            let verdict = run_blocking(s);
            let stop = verdict.divergence().is_some() || matches!(verdict, Verdict::EngineError(_));
            verdicts.push(verdict);
            if stop {
                break;
            }
        }
        match verdicts.last() {
            // A snippet that cannot run (hangs, panics, exhausts the invocations) measures nothing.
            Some(Verdict::EngineError(e)) => {
                problems.push(format!("{}: did not run: {}", s.id, first_line(e)))
            }
            Some(Verdict::Diverged(_)) => {}
            last if pin => problems.push(format!(
                "{}: expected.tsv says the replay checker catches it, but {NONDETERMINISTIC_RUNS} runs \
                 reported no divergence (last: {last:?})",
                s.id
            )),
            _ => {}
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems ({pinned} snippets pinned as caught):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
