//! The determinism corpus (`tests/determinism/corpus`) through the lint, in process: every
//! legitimate snippet must pass, every nondeterministic snippet's verdict must match the one
//! recorded in `expected.tsv` (regenerate it with `tests/determinism/measure.sh`). With
//! `DURABLE_CORPUS_REPORT=<file>` the verdicts are written there for the measuring script;
//! `DURABLE_CORPUS_DIR=<dir>` lints another corpus of the same layout instead (a held-out
//! one kept outside the repository).

use crate::ctxt::Ctxt;
use std::path::{Path, PathBuf};

struct Verdict {
    id: String,
    kind: &'static str,
    errors: Vec<String>,
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("DURABLE_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/determinism/corpus"),
    }
}

fn lint_file(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut errors = Vec::new();
    for item in file.items {
        let syn::Item::Fn(mut f) = item else { continue };
        let is_workflow = f.attrs.iter().any(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "durable_workflow")
        });
        if !is_workflow {
            continue;
        }
        let cx = Ctxt::default();
        let file = super::FileContext::from_text(&text, &f.sig.ident.to_string()).map(std::rc::Rc::new);
        let ops = super::lint_workflow(&cx, &f.sig.clone(), &mut f.block, file);
        crate::check::duplicate_names(&cx, &ops);
        if let Some(e) = cx.finish() {
            errors.extend(e.into_iter().map(|e| e.to_string()));
        }
    }
    errors
}

fn verdicts() -> Vec<Verdict> {
    let mut out = Vec::new();
    for (dir, kind) in [
        ("nondeterministic", "nondeterministic"),
        ("legitimate", "legitimate"),
    ] {
        let Ok(entries) = std::fs::read_dir(corpus_dir().join(dir)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.retain(|p| p.extension().is_some_and(|e| e == "rs"));
        paths.sort();
        for path in paths {
            out.push(Verdict {
                id: path.file_stem().unwrap().to_string_lossy().into_owned(),
                kind,
                errors: lint_file(&path),
            });
        }
    }
    out
}

/// `snippet -> macro column` from `expected.tsv`, if it exists.
fn expected() -> Option<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(corpus_dir().join("expected.tsv")).ok()?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next()?.split('\t').collect();
    let col = header.iter().position(|h| *h == "macro")?;
    Some(
        lines
            .filter_map(|l| {
                let cells: Vec<&str> = l.split('\t').collect();
                Some((cells.first()?.to_string(), cells.get(col)?.to_string()))
            })
            .collect(),
    )
}

#[test]
fn corpus_verdicts() {
    let verdicts = verdicts();
    if let Ok(report) = std::env::var("DURABLE_CORPUS_REPORT") {
        let mut text = String::from("snippet\tkind\tmacro\tfirst_error\n");
        for v in &verdicts {
            let first = v
                .errors
                .first()
                .map_or(String::new(), |e| e.replace(['\t', '\n'], " "));
            let caught = if v.errors.is_empty() { "no" } else { "yes" };
            text.push_str(&format!("{}\t{}\t{caught}\t{first}\n", v.id, v.kind));
        }
        std::fs::write(report, text).unwrap();
    }
    let mut failures = Vec::new();
    for v in verdicts.iter().filter(|v| v.kind == "legitimate") {
        if !v.errors.is_empty() {
            failures.push(format!(
                "legitimate snippet {} rejected: {}",
                v.id,
                v.errors.join(" | ")
            ));
        }
    }
    if let Some(expected) = expected() {
        for v in verdicts.iter().filter(|v| v.kind == "nondeterministic") {
            let now = if v.errors.is_empty() { "no" } else { "yes" };
            match expected.get(&v.id) {
                Some(e) if e == now => {}
                Some(e) => failures.push(format!(
                    "{}: expected.tsv says macro={e}, the lint now says {now} ({}); re-run tests/determinism/measure.sh",
                    v.id,
                    v.errors.first().map_or("no error", String::as_str)
                )),
                None => failures.push(format!("{}: not in expected.tsv; re-run tests/determinism/measure.sh", v.id)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
