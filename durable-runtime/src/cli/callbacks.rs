//! Callbacks by name: how the CLI names an execution's callbacks, and finds the one a user
//! means by `--name`.
//!
//! A callback is named by its own name (`ctx.create_callback("approval")`), or, when it has
//! none, by the context that holds it: `ctx.wait_for_callback("final-approval", ..)` records
//! a child context named `final-approval` (sub-type `WaitForCallback`) holding an unnamed
//! callback, and the user knows it as `final-approval`. This is the rule the `TestRunner`
//! uses for its callback answers by name.
//!
//! Its *path* adds the names of the contexts it is in (`approvals/map-item-1/sign-off`), so
//! callbacks of the same name in map items or parallel branches can be told apart; its
//! *position* (`2-1-1`) is the unhashed operation position non-determinism errors show.

use crate::local::ExecutionRecord;
use durable_core::id::wire_id;
use durable_core::wire::{Operation, OperationStatus, OperationType};

/// One callback of an execution, as the CLI shows it.
#[derive(Clone, Debug)]
pub(crate) struct NamedCallback {
    /// Its own name, else the name of the context holding it (the wait-for-callback that
    /// created it).
    pub(crate) name: Option<String>,
    /// The names of its enclosing contexts and its own, joined by `/` (`-` for a nameless
    /// level).
    pub(crate) path: String,
    /// Its unhashed position (`"2-1"`), or its wire id if the position cannot be recovered
    /// (ids minted by another scheme).
    pub(crate) position: String,
    /// The id an answer is sent to (absent until the service minted it).
    pub(crate) callback_id: Option<String>,
    /// Its life-cycle status (`Started` while it waits for an answer).
    pub(crate) status: OperationStatus,
}

impl NamedCallback {
    /// Whether it waits for an answer.
    pub(crate) fn is_open(&self) -> bool {
        self.status == OperationStatus::Started && self.callback_id.is_some()
    }

    /// Whether `--name selector` means this callback: its name, or (with a `/`) its path.
    pub(crate) fn selected_by(&self, selector: &str) -> bool {
        self.name.as_deref() == Some(selector) || (selector.contains('/') && self.path == selector)
    }

    /// How a message refers to it: `` `name` `` or `an unnamed callback`, with its position.
    pub(crate) fn describe(&self) -> String {
        let what = if self.name.is_some() && self.path.contains('/') {
            format!("`{}`", self.path)
        } else if let Some(name) = &self.name {
            format!("`{name}`")
        } else {
            "an unnamed callback".to_owned()
        };
        format!("{what} (position {})", self.position)
    }
}

/// The CALLBACK operations of `record`, in creation order.
pub(crate) fn callbacks(record: &ExecutionRecord) -> Vec<NamedCallback> {
    record
        .operations
        .iter()
        .filter(|op| op.operation_type == OperationType::Callback)
        .map(|op| NamedCallback {
            name: name_of(record, op),
            path: path_of(record, op),
            position: position_of(record, op).unwrap_or_else(|| op.id.to_string()),
            callback_id: op.callback_details.as_ref().and_then(|d| d.callback_id.clone()),
            status: op.status,
        })
        .collect()
}

/// The open callbacks of `record`.
pub(crate) fn open_callbacks(record: &ExecutionRecord) -> Vec<NamedCallback> {
    let mut open = callbacks(record);
    open.retain(NamedCallback::is_open);
    open
}

/// The context holding `op`, if `op` has no name of its own (a wait-for-callback's callback).
fn naming_parent<'r>(record: &'r ExecutionRecord, op: &Operation) -> Option<&'r Operation> {
    if op.name.is_some() {
        return None;
    }
    record.operation(op.parent_id.as_deref()?)
}

/// A callback's name: its own, else its context's (a wait-for-callback's).
pub(crate) fn name_of(record: &ExecutionRecord, op: &Operation) -> Option<String> {
    op.name
        .clone()
        .or_else(|| naming_parent(record, op).and_then(|p| p.name.clone()))
        .map(|n| n.to_string())
}

/// The path of a callback: the names of the contexts it is in, then its name; a nameless
/// callback ends with the context that names it rather than a `-` of its own.
fn path_of(record: &ExecutionRecord, op: &Operation) -> String {
    let segment = |o: &Operation| o.name.clone().unwrap_or_else(|| ("-".to_owned()).into());
    let mut segments = Vec::new();
    let mut at = Some(naming_parent(record, op).unwrap_or(op));
    // Bounded, in case a damaged record links in a cycle.
    for _ in 0..=record.operations.len() {
        let Some(o) = at else { break };
        segments.push(segment(o));
        at = o.parent_id.as_deref().and_then(|p| record.operation(p));
    }
    segments.reverse();
    segments.join("/")
}

/// The unhashed position of `op` (`"2-1"`): the position of its parent, then its index among
/// the parent's operations, confirmed by the wire id it hashes to. `None` if no index up to
/// the number of siblings gives `op.id` (an id minted by another scheme).
fn position_of(record: &ExecutionRecord, op: &Operation) -> Option<String> {
    let mut chain = vec![op];
    while let Some(parent) = chain
        .last()
        .and_then(|o| o.parent_id.as_deref())
        .and_then(|p| record.operation(p))
    {
        if chain.len() > record.operations.len() {
            return None;
        }
        chain.push(parent);
    }
    let mut position: Option<String> = None;
    for o in chain.into_iter().rev() {
        let siblings: Vec<&str> = record
            .operations
            .iter()
            .filter(|s| s.parent_id == o.parent_id && s.operation_type != OperationType::Execution)
            .map(|s| &*s.id)
            .collect();
        let at = |n: usize| match &position {
            Some(p) => format!("{p}-{n}"),
            None => n.to_string(),
        };
        // Operations are recorded in creation order, so its index is the first guess.
        let guess = siblings.iter().position(|id| **id == *o.id).map(|i| i + 1);
        let found = guess
            .into_iter()
            .chain(1..=siblings.len())
            .map(at)
            .find(|candidate| *wire_id(candidate) == *o.id)?;
        position = Some(found);
    }
    position
}

#[cfg(test)]
mod tests {
    use super::*;
    use durable_core::wire::{sub_type, CallbackDetails};
    use std::sync::Arc;

    fn op(
        path: &str,
        parent: Option<&str>,
        name: Option<&str>,
        ty: OperationType,
        sub: &str,
    ) -> Arc<Operation> {
        let mut o: Operation = serde_json::from_value(serde_json::json!({
            "Id": wire_id(path),
            "Type": ty,
            "Status": "STARTED",
            "SubType": sub,
        }))
        .unwrap();
        o.parent_id = parent.map(wire_id).map(Into::into);
        o.name = name.map(str::to_owned).map(Into::into);
        if ty == OperationType::Callback {
            o.callback_details = Some(CallbackDetails {
                callback_id: Some(format!("cb-{path}")),
                ..CallbackDetails::default()
            });
        }
        Arc::new(o)
    }

    #[test]
    fn names_paths_and_positions() {
        use OperationType::{Callback, Context, Step};
        let mut record: ExecutionRecord = serde_json::from_value(serde_json::json!({
            "arn": "arn", "workflow": "w", "status": "RUNNING", "start": 0,
            "operations": [], "events": [], "token": null, "token_seq": 0, "dirty": [],
            "invocations": 1, "failed_invocations": 0,
        }))
        .unwrap();
        record.operations = vec![
            op("1", None, Some("submit"), Step, "Step"),
            op("2", None, Some("approval"), Callback, "Callback"),
            op(
                "3",
                None,
                Some("final-approval"),
                Context,
                sub_type::WAIT_FOR_CALLBACK,
            ),
            op("3-1", Some("3"), None, Callback, "Callback"),
            op("4", None, Some("all"), Context, "Map"),
            op("4-1", Some("4"), Some("map-item-0"), Context, "MapIteration"),
            op(
                "4-1-1",
                Some("4-1"),
                Some("sign-off"),
                Context,
                sub_type::WAIT_FOR_CALLBACK,
            ),
            op("4-1-1-1", Some("4-1-1"), None, Callback, "Callback"),
        ];
        let all = callbacks(&record);
        let seen: Vec<_> = all
            .iter()
            .map(|c| (c.name.as_deref(), c.path.as_str(), c.position.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                (Some("approval"), "approval", "2"),
                (Some("final-approval"), "final-approval", "3-1"),
                (Some("sign-off"), "all/map-item-0/sign-off", "4-1-1-1"),
            ]
        );
        assert!(all[2].selected_by("sign-off") && all[2].selected_by("all/map-item-0/sign-off"));
        assert!(!all[2].selected_by("all") && !all[1].selected_by("approval"));
        assert_eq!(all[2].describe(), "`all/map-item-0/sign-off` (position 4-1-1-1)");
        assert_eq!(open_callbacks(&record).len(), 3);
    }
}
