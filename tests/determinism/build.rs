//! Scans `corpus/`, parses each snippet's header and generates, into `OUT_DIR/snippets.rs`,
//! one module per included snippet and the `SNIPPETS` table (see `src/lib.rs`).
//!
//! `DURABLE_CORPUS_DIR=<dir>` reads another corpus of the same layout instead of `corpus/`.
//!
//! Included: every snippet with the `all-snippets` feature; otherwise the legitimate ones and
//! the nondeterministic ones `corpus/expected.tsv` lists with `macro = no` (the lint lets them
//! through, so they compile with the lint on).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct Header {
    id: String,
    path: PathBuf,
    legitimate: bool,
    category: String,
    replay_diverges: bool,
    input: String,
    callbacks: Vec<(String, String)>,
    workflow_type: String,
    /// The workflow fn is `pub` (or `pub(..)`): its type can be named from outside.
    public: bool,
    /// Left out when clippy checks the crate (`#[cfg(not(clippy))]`): a nondeterministic
    /// snippet the lint lets through but the clippy layer flags would fail `-D warnings`.
    hidden_from_clippy: bool,
    text: String,
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    // `DURABLE_CORPUS_DIR` builds another corpus of the same layout instead: a held-out one
    // kept outside the repository, measured by `measure.sh --corpus DIR`.
    let corpus = std::env::var_os("DURABLE_CORPUS_DIR").map_or_else(|| root.join("corpus"), PathBuf::from);
    println!("cargo:rerun-if-changed={}", corpus.display());
    println!("cargo:rerun-if-env-changed=DURABLE_LINT");
    println!("cargo:rerun-if-env-changed=DURABLE_CORPUS_DIR");
    let all = std::env::var_os("CARGO_FEATURE_ALL_SNIPPETS").is_some();
    let lint_passes = macro_passes(&corpus.join("expected.tsv"));
    let clippy_flags = |id: &str| lint_passes.get(id).copied().unwrap_or(false);

    let mut snippets = Vec::new();
    for (dir, legitimate) in [("nondeterministic", false), ("legitimate", true)] {
        let dir = corpus.join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "rs"));
        files.sort();
        for path in files {
            println!("cargo:rerun-if-changed={}", path.display());
            let mut header = parse(&path, legitimate).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if all || legitimate {
                snippets.push(header);
            } else if lint_passes.contains_key(&header.id) {
                header.hidden_from_clippy = clippy_flags(&header.id);
                snippets.push(header);
            }
        }
    }

    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out_dir.join("snippets.rs"), generate(&snippets, &out_dir)).expect("write snippets.rs");
}

/// The nondeterministic snippets `expected.tsv` lists with `macro = no`, each with whether
/// its `clippy` column is `yes` (none if the file is missing).
fn macro_passes(tsv: &Path) -> BTreeMap<String, bool> {
    let Ok(text) = std::fs::read_to_string(tsv) else {
        return BTreeMap::new();
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(snippet), Some(kind), Some(lint)) = (col("snippet"), col("kind"), col("macro")) else {
        panic!(
            "{}: the header must name the columns snippet, kind and macro",
            tsv.display()
        );
    };
    let clippy = col("clippy");
    lines
        .map(|l| l.split('\t').map(str::trim).collect::<Vec<_>>())
        .filter(|cols| {
            cols.get(kind).is_some_and(|k| k.starts_with("nondet")) && cols.get(lint) == Some(&"no")
        })
        .filter_map(|cols| {
            let flagged = clippy.and_then(|c| cols.get(c)) == Some(&"yes");
            cols.get(snippet).map(|s| (s.to_string(), flagged))
        })
        .collect()
}

fn parse(path: &Path, legitimate: bool) -> Result<Header, String> {
    let id = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or("file name is not UTF-8")?
        .to_owned();
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let (mut category, mut replay, mut input) = (None, None, None);
    let mut callbacks = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("//!") else {
            continue;
        };
        let Some((key, value)) = rest.trim().split_once(':') else {
            continue;
        };
        let value = value.trim().to_owned();
        match key.trim() {
            "category" => category = Some(value),
            "replay" => replay = Some(value),
            "input" => input = Some(value),
            "callback" => {
                let (name, json) = value
                    .split_once('=')
                    .ok_or("`callback:` must read `<name> = <json>`")?;
                callbacks.push((name.trim().to_owned(), json.trim().to_owned()));
            }
            _ => {}
        }
    }
    let replay_diverges = match (legitimate, replay.as_deref()) {
        (true, None) => false,
        (_, Some("diverges")) if !legitimate => true,
        (_, Some("same")) if !legitimate => false,
        (true, Some(_)) => return Err("a legitimate snippet has no `replay:` line".into()),
        (false, other) => return Err(format!("`replay:` must be `diverges` or `same`, got {other:?}")),
    };
    // The one `#[durable_workflow]` fn: its name, on the attribute's line or a later one.
    let after = text
        .split_once("#[durable_workflow")
        .ok_or("no #[durable_workflow] fn")?
        .1;
    if after.contains("#[durable_workflow") {
        return Err("more than one #[durable_workflow] fn".into());
    }
    let (before_fn, after_fn) = after.split_once("fn ").ok_or("no fn after #[durable_workflow]")?;
    let public = before_fn
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == "pub");
    let fn_name = after_fn
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default()
        .to_owned();
    Ok(Header {
        id,
        path: path.to_owned(),
        legitimate,
        category: category.ok_or("no `category:` line")?,
        replay_diverges,
        input: input.ok_or("no `input:` line")?,
        callbacks,
        workflow_type: camel_case(&fn_name),
        public,
        hidden_from_clippy: false,
        text,
    })
}

fn cfg_of(s: &Header) -> &'static str {
    if s.hidden_from_clippy {
        "#[cfg(not(clippy))]\n"
    } else {
        ""
    }
}

/// `process_order` → `ProcessOrder`, as `#[durable_workflow]` names the generated type.
fn camel_case(snake: &str) -> String {
    snake
        .trim_start_matches("r#")
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

const ALLOW: &str =
    "#[allow(dead_code, unused, deprecated, missing_docs, clippy::all, clippy::pedantic, clippy::nursery)]";

fn generate(snippets: &[Header], out_dir: &Path) -> String {
    let mut out = String::from("// @generated by build.rs from corpus/: do not edit.\n\n");
    for s in snippets {
        // A private workflow type can only be named from inside its module: such a snippet
        // is compiled from a copy with an accessor appended (line numbers unchanged).
        let path = if s.public {
            s.path.clone()
        } else {
            let copy = out_dir.join(format!("{}.rs", s.id));
            let text = format!(
                "{}\n\n#[doc(hidden)]\npub(crate) fn __durable_determinism_workflow() -> crate::Erased {{\n    \
                 crate::erase({ty})\n}}\n",
                s.text.trim_end(),
                ty = s.workflow_type,
            );
            std::fs::write(&copy, text).expect("write a snippet copy");
            copy
        };
        let _ = writeln!(
            out,
            "#[path = {path:?}]\n{cfg}{ALLOW}\nmod {id};\n",
            path = path.display().to_string(),
            cfg = cfg_of(s),
            id = s.id,
        );
    }
    for s in snippets {
        let callbacks: Vec<String> = s
            .callbacks
            .iter()
            .map(|(name, json)| format!("({name:?}, {json:?})"))
            .collect();
        let workflow = if s.public {
            format!("erase({}::{})", s.id, s.workflow_type)
        } else {
            format!("{}::__durable_determinism_workflow()", s.id)
        };
        let _ = writeln!(
            out,
            "{cfg}fn workflow_{id}() -> Erased {{\n    {workflow}\n}}\n\n\
             {cfg}fn run_{id}() -> BoxFuture<'static, Result<TestResult, EngineError>> {{\n    \
                 Box::pin(run_snippet(workflow_{id}(), {input:?}, &[{callbacks}], true))\n\
             }}\n",
            id = s.id,
            cfg = cfg_of(s),
            input = s.input,
            callbacks = callbacks.join(", "),
        );
    }
    out.push_str("/// Every included snippet, nondeterministic first, each kind in file-name order.\n");
    out.push_str("pub static SNIPPETS: &[Snippet] = &[\n");
    for s in snippets {
        let callbacks: Vec<String> = s
            .callbacks
            .iter()
            .map(|(name, json)| format!("({name:?}, {json:?})"))
            .collect();
        let _ = writeln!(
            out,
            "    {cfg}Snippet {{\n        id: {id:?},\n        kind: Kind::{kind},\n        category: {category:?},\n        \
                 replay_diverges: {diverges},\n        input: {input:?},\n        callbacks: &[{callbacks}],\n        \
                 run: run_{id},\n        workflow: workflow_{id},\n    }},",
            id = s.id,
            cfg = cfg_of(s),
            kind = if s.legitimate { "Legitimate" } else { "Nondeterministic" },
            category = s.category,
            diverges = s.replay_diverges,
            input = s.input,
            callbacks = callbacks.join(", "),
        );
    }
    out.push_str("];\n");
    out
}
