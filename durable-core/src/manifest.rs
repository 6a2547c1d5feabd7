//! The machine-readable description of a workflow that `#[durable_workflow]` generates next
//! to its rustdoc: its durable operations in source order, as the macro saw them.

use serde::Serialize;

/// One durable operation of a workflow, as written in its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct OperationSpec {
    /// `step`, `saga step`, `saga compensation`, `wait`, `callback`, `child context`, `invoke`,
    /// `map`, `parallel`, ..., or `helper`: a fn the workflow passes its context to whose
    /// body the macro cannot see.
    pub kind: &'static str,
    /// The name history shows, when it is known at compile time: a string literal, a string
    /// constant of the workflow's file, the `name` of a `#[step]` fn of that file (or its
    /// default, the fn's name), `now`/`uuid`/`random` for `ctx.now()`, ...
    pub name: Option<&'static str>,
    /// How the docs show the name: the name, a `format!` pattern (`process-chunk-{i}`), or
    /// the expression that computes it.
    pub label: &'static str,
    /// Options chained on the call, as written (`.retry(RetryPresets::none())`).
    pub options: &'static [&'static str],
    /// The labels of the child contexts it runs in (map, parallel, child context), outermost
    /// first.
    pub parents: &'static [&'static str],
    /// The index in `operations` of the map, parallel or child context whose child context it
    /// runs in (the innermost).
    pub within: Option<usize>,
    /// The helper fn it is written in, when the workflow passes its context to a fn of its
    /// file that performs it.
    pub helper: Option<&'static str>,
    /// Whether it only runs on some branch of an `if`/`match`.
    pub conditional: bool,
    /// Whether it sits in a loop.
    pub in_loop: bool,
}

/// A workflow's name and operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WorkflowManifest {
    /// The workflow's registered name.
    pub name: &'static str,
    /// Its durable operations in source order.
    pub operations: &'static [OperationSpec],
    /// Its flowchart as Mermaid source (the docs draw the same chart as SVG).
    pub mermaid: &'static str,
}
