//! The table of a workflow's operations: one row per operation in source order, with the
//! name history shows (and where it comes from: a `#[step]` fn, a constant, a `format!`), what
//! it is nested in (↳ under its map, parallel or child context), where it sits (arms, loops,
//! helpers) and its options (a `#[step]` fn's retry policy and semantics, a saga step's
//! compensation, options chained on the call).

use super::step;
use crate::lint::{Frame, Naming, Operation};
use std::fmt::Write;

/// `[`path`]` when the docs may link it, else `` `path` ``.
fn code_link(text: &str, link: bool) -> String {
    if link {
        format!("[`{text}`]")
    } else {
        format!("`{text}`")
    }
}

/// Text in a code span (backticks in it would end the span).
fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

/// Code as HTML, with break opportunities (`<wbr>`) after `(`, `,` and `::` and before `.`,
/// so a long option (`.completion(CompletionConfig::default().tolerated_failures(n))`) wraps
/// in its cell instead of widening the table. Markdown still reads the text between the tags,
/// so what it would change (quotes, `--`, `...`, emphasis, links, escapes) is written as
/// character references.
fn code_html(text: &str) -> String {
    let mut out = String::from("<code>");
    let mut prev = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        if c == '.' && prev != '.' && prev != ' ' {
            out.push_str("<wbr>");
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' | '\'' | '`' | '*' | '_' | '[' | ']' | '\\' | '~' | '|' | '!' | '#' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            '-' | '.' if next == Some(c) => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            other => out.push(other),
        }
        if matches!(c, '(' | ',') || (c == ':' && prev == ':') {
            out.push_str("<wbr>");
        }
        prev = c;
    }
    out.push_str("</code>");
    out
}

fn name_cell(op: &Operation) -> String {
    let label = &op.label;
    match &op.naming {
        Naming::Literal => code(label),
        Naming::Constant {
            path,
            link,
            value_known: true,
        } => format!("{} (the constant {})", code(label), code_link(path, *link)),
        Naming::Constant { path, link, .. } => format!("the value of {}", code_link(path, *link)),
        Naming::Format => format!("{} (`format!`)", code(label)),
        Naming::Expression { link } => {
            let mut cell = format!("computed at run time: {}", code(label));
            if let Some(f) = link {
                let _ = write!(cell, " (see {})", code_link(&format!("{f}()"), true));
            }
            cell
        }
        Naming::StepFn(f) => match &f.args {
            Some(_) => format!(
                "{} ({})",
                code(label),
                code_link(&format!("{}()", f.path), f.link)
            ),
            None => {
                let default = f.path.rsplit("::").next().unwrap_or(&f.path);
                format!(
                    "the `name` of the `#[step]` fn `{}()` (by default `{default}`)",
                    f.path
                )
            }
        },
        Naming::Sdk(method) => format!("{} (`ctx.{method}()`)", code(label)),
        Naming::Helper => format!("{}: a helper given the context", code(label)),
        Naming::Compensations(steps) if steps.is_empty() => {
            "`compensate-<name>` for each saga step done, last first".to_owned()
        }
        Naming::Compensations(steps) => {
            let names: Vec<String> = steps.iter().map(|s| code(s)).collect();
            format!("{}: those of the saga steps done, last first", names.join(", "))
        }
    }
}

/// Where an operation sits, outermost first, from the child context it runs in (where that
/// context's operation sits is on its own row).
fn where_cell(op: &Operation, ops: &[Operation]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let innermost = op
        .frames
        .iter()
        .rposition(|f| matches!(f, Frame::Context(_)))
        .unwrap_or(0);
    for frame in &op.frames[innermost..] {
        match frame {
            Frame::Arm { test, label, .. } => match test.strip_prefix("if ") {
                Some(cond) if label == "yes" => parts.push(format!("if {}", code_html(cond))),
                Some(cond) => parts.push(format!("if not {}", code_html(cond))),
                None => {
                    let scrutinee = test.strip_prefix("match ").unwrap_or(test);
                    parts.push(format!(
                        "when {} matches {}",
                        code_html(scrutinee),
                        code_html(label)
                    ));
                }
            },
            Frame::Loop { label, .. } => parts.push(format!("repeated: {}", code_html(label))),
            Frame::Context(i) => match ops.get(*i).map(|c| c.kind) {
                Some("map") => parts.push(format!("each item of #{}", i + 1)),
                Some("retry block") => parts.push(format!("each attempt of #{}", i + 1)),
                Some("parallel") => {}
                _ => parts.push(format!("in #{}", i + 1)),
            },
            Frame::Lane { label, .. } => match label.strip_prefix("branch ") {
                Some(name) => parts.push(format!("branch {}", code(name))),
                None => parts.push("a branch".to_owned()),
            },
            Frame::Helper { path, link, .. } => {
                parts.push(format!("in {}", code_link(&format!("{path}()"), *link)));
            }
        }
    }
    parts.join("<br>")
}

fn options_cell(op: &Operation) -> String {
    let mut parts: Vec<String> = Vec::new();
    match &op.naming {
        Naming::StepFn(f) => {
            if let Some(args) = &f.args {
                parts.push(format!("retry: {}", step::retry(args)));
                parts.push(step::semantics(args).to_owned());
            }
        }
        Naming::Compensations(_) => parts.push(
            "each at most once per attempt, retried as `.compensation_retry(..)` says (default: the SDK's)"
                .to_owned(),
        ),
        Naming::Helper => {
            parts.push("its operations are not listed: its body is not in this file".to_owned())
        }
        _ => {}
    }
    if op.kind == "saga step" {
        parts.push(format!(
            "undone by {} when the saga compensates",
            code(&format!("compensate-{}", op.label))
        ));
    }
    parts.extend(op.options.iter().map(|o| code_html(o)));
    parts.join("<br>")
}

/// The depth of child contexts an operation runs in.
fn nesting(op: &Operation) -> usize {
    op.frames
        .iter()
        .filter(|f| matches!(f, Frame::Context(_)))
        .count()
}

/// The markdown table.
pub(crate) fn render(ops: &[Operation]) -> String {
    let mut table =
        String::from("| # | operation | name in history | where | options |\n|---|---|---|---|---|\n");
    for (i, op) in ops.iter().enumerate() {
        let depth = nesting(op);
        let kind = if depth == 0 {
            op.kind.to_owned()
        } else {
            format!("{}↳ {}", "&emsp;".repeat(depth - 1), op.kind)
        };
        let cells = [
            (i + 1).to_string(),
            kind,
            name_cell(op),
            where_cell(op, ops),
            options_cell(op),
        ];
        // A `|` would end the cell (those in `<code>` are already `&#124;`).
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        let _ = writeln!(table, "| {} |", cells.join(" | "));
    }
    table
}
