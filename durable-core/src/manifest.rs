//! The machine-readable description of a workflow that `#[durable_workflow]` generates next
//! to its rustdoc: its durable operations in source order, as the macro saw them.

use serde::Serialize;

/// One durable operation of a workflow, as written in its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct OperationSpec {
    /// `step`, `wait`, `callback`, `child context`, `invoke`, `map`, `parallel`, ...
    pub kind: &'static str,
    /// The literal name, if the name is a string literal.
    pub name: Option<&'static str>,
    /// How the docs show it (the name, the `#[step]` fn, or `(computed)`).
    pub label: &'static str,
    /// Options chained on the call, as written (`.retry(RetryPresets::none())`).
    pub options: &'static [&'static str],
    /// The child contexts it is nested in, outermost first.
    pub parents: &'static [&'static str],
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
}
