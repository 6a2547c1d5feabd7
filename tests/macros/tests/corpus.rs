//! The determinism corpus (`tests/determinism/corpus`) through rustc, as a user's crate
//! compiles it: each nondeterministic snippet `expected.tsv` records as rejected by the macro
//! (`macro = yes`) must fail to compile with the errors in its `.stderr`; each legitimate
//! snippet must compile.
//!
//! By default the first snippet (by id) of each category of nondeterministic code, so that
//! every category's messages stay locked, and of the first legitimate categories (each
//! legitimate snippet links a binary: the cost is bounded); `DURABLE_CORPUS_TRYBUILD=all` compiles
//! the whole corpus. Regenerate the snapshots with `TRYBUILD=overwrite` and review them.
//! `durable-macros`' in-process corpus test checks the verdict of every snippet on every run.
//!
//! Snippets that use the AWS SDK are left out here (its build is too heavy for this crate's
//! dev-dependencies); the in-process test covers them.

use std::collections::BTreeSet;
use std::path::Path;

struct Entry {
    snippet: String,
    kind: String,
    category: String,
    macro_rejects: bool,
}

fn expected(corpus: &Path) -> Vec<Entry> {
    let table = std::fs::read_to_string(corpus.join("expected.tsv")).expect("corpus/expected.tsv");
    table
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert!(cols.len() >= 5, "malformed expected.tsv line: {line}");
            Entry {
                snippet: cols[0].to_owned(),
                kind: cols[1].to_owned(),
                category: cols[2].to_owned(),
                macro_rejects: cols[4] == "yes",
            }
        })
        .collect()
}

/// How many legitimate snippets the default run compiles.
const LEGITIMATE_SAMPLE: usize = 12;

#[test]
fn corpus_through_rustc() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../determinism/corpus");
    let all = std::env::var("DURABLE_CORPUS_TRYBUILD").is_ok_and(|v| v == "all");
    let t = trybuild::TestCases::new();
    let mut seen = BTreeSet::new();
    let mut selected = 0;
    let mut legit_selected = 0;
    for e in expected(&corpus) {
        let dir = if e.kind == "legitimate" {
            "legitimate"
        } else {
            "nondeterministic"
        };
        let file = corpus.join(dir).join(format!("{}.rs", e.snippet));
        let source = std::fs::read_to_string(&file).unwrap_or_else(|err| panic!("{}: {err}", file.display()));
        if source.contains("aws_sdk_") || source.contains("aws_config") {
            continue;
        }
        // The verdicts this test can lock: rejected, or legitimate and accepted.
        if !(e.macro_rejects || e.kind == "legitimate") {
            continue;
        }
        if !all {
            let legit_cap_reached = e.kind == "legitimate" && legit_selected >= LEGITIMATE_SAMPLE;
            if legit_cap_reached || !seen.insert((e.kind.clone(), e.category.clone())) {
                continue;
            }
        }
        legit_selected += usize::from(e.kind == "legitimate");
        selected += 1;
        if e.macro_rejects {
            t.compile_fail(&file);
        } else {
            t.pass(&file);
        }
    }
    assert!(selected >= 20, "only {selected} corpus snippets selected");
}
