//! The operations as a tree, for the diagrams: each operation's frames (arms, loops, child
//! contexts, parallel branches, helpers) become nested items, in source order.

use crate::lint::{Frame, Operation};

/// One thing in a sequence.
pub(crate) enum Item<'a> {
    /// An operation; a map, parallel, child context or retry block holds what runs in its
    /// child context.
    Op {
        index: usize,
        op: &'a Operation,
        body: Option<Body<'a>>,
    },
    /// An `if`/`match` with operations in some arms.
    Branch {
        /// `if <condition>` / `match <scrutinee>`.
        test: String,
        arms: Vec<Arm<'a>>,
        /// The label of the way around, when some arm has no operation (an `if` without `else`).
        skip: Option<String>,
    },
    /// A loop body.
    Loop { label: String, body: Vec<Item<'a>> },
    /// Operations of a helper fn, or of a parallel branch.
    Group {
        label: String,
        /// A parallel branch (drawn side by side with its siblings).
        lane: bool,
        body: Vec<Item<'a>>,
    },
}

/// An arm of a branch.
pub(crate) struct Arm<'a> {
    pub(crate) label: String,
    pub(crate) body: Vec<Item<'a>>,
}

/// What runs in an operation's child context.
pub(crate) enum Body<'a> {
    /// One sequence (a map item, a child context, a retry attempt).
    Seq(Vec<Item<'a>>),
    /// Parallel branches side by side.
    Lanes(Vec<(String, Vec<Item<'a>>)>),
}

/// The tree of `ops`.
pub(crate) fn build(ops: &[Operation]) -> Vec<Item<'_>> {
    let indexed: Vec<(usize, &Operation)> = ops.iter().enumerate().collect();
    build_at(&indexed, 0)
}

fn same_group(a: &Frame, b: &Frame) -> bool {
    match (a, b) {
        (Frame::Arm { site: x, .. }, Frame::Arm { site: y, .. }) => x == y,
        _ => a == b,
    }
}

/// The end of the run of operations from `start` whose frame at `depth` matches `frame`.
fn run_end(ops: &[(usize, &Operation)], start: usize, depth: usize, frame: &Frame, exact: bool) -> usize {
    let mut end = start;
    while let Some((_, op)) = ops.get(end) {
        match op.frames.get(depth) {
            Some(f) if (exact && f == frame) || (!exact && same_group(f, frame)) => end += 1,
            _ => break,
        }
    }
    end
}

fn build_at<'a>(ops: &[(usize, &'a Operation)], depth: usize) -> Vec<Item<'a>> {
    let mut items: Vec<Item<'a>> = Vec::new();
    let mut i = 0;
    while let Some(&(index, op)) = ops.get(i) {
        let Some(frame) = op.frames.get(depth) else {
            items.push(Item::Op {
                index,
                op,
                body: None,
            });
            i += 1;
            continue;
        };
        let end = run_end(ops, i, depth, frame, false);
        let run = &ops[i..end];
        i = end;
        match frame {
            Frame::Arm { arms, test, .. } => {
                let mut built = Vec::new();
                let mut present = Vec::new();
                let mut j = 0;
                while let Some((_, first)) = run.get(j) {
                    let Some(arm_frame @ Frame::Arm { arm, label, .. }) = first.frames.get(depth) else {
                        break;
                    };
                    let k = run_end(run, j, depth, arm_frame, true);
                    present.push(*arm);
                    built.push(Arm {
                        label: label.clone(),
                        body: build_at(&run[j..k], depth + 1),
                    });
                    j = k;
                }
                let missing: Vec<usize> = (0..*arms).filter(|a| !present.contains(a)).collect();
                let skip = match missing.as_slice() {
                    [] => None,
                    _ if test.starts_with("if ") => {
                        Some(if missing.contains(&1) { "no" } else { "yes" }.to_owned())
                    }
                    _ => Some("other arms".to_owned()),
                };
                items.push(Item::Branch {
                    test: test.clone(),
                    arms: built,
                    skip,
                });
            }
            Frame::Loop { label, .. } => items.push(Item::Loop {
                label: label.clone(),
                body: build_at(run, depth + 1),
            }),
            Frame::Context(container) => {
                let body = into_body(build_at(run, depth + 1));
                let slot = items.iter_mut().rev().find_map(|item| match item {
                    Item::Op { index, body, .. } if index == container && body.is_none() => Some(body),
                    _ => None,
                });
                match slot {
                    Some(slot) => *slot = Some(body),
                    None => items.push(Item::Group {
                        label: format!("in the context of #{}", container + 1),
                        lane: false,
                        body: match body {
                            Body::Seq(items) => items,
                            Body::Lanes(lanes) => lanes.into_iter().flat_map(|(_, items)| items).collect(),
                        },
                    }),
                }
            }
            Frame::Lane { label, .. } => items.push(Item::Group {
                label: label.clone(),
                lane: true,
                body: build_at(run, depth + 1),
            }),
            Frame::Helper { path, .. } => items.push(Item::Group {
                label: format!("in {path}()"),
                lane: false,
                body: build_at(run, depth + 1),
            }),
        }
    }
    items
}

/// A child context's items: side-by-side lanes when they are all parallel branches.
fn into_body(items: Vec<Item<'_>>) -> Body<'_> {
    let all_lanes = !items.is_empty()
        && items
            .iter()
            .all(|item| matches!(item, Item::Group { lane: true, .. }));
    if !all_lanes {
        return Body::Seq(items);
    }
    Body::Lanes(
        items
            .into_iter()
            .filter_map(|item| match item {
                Item::Group { label, body, .. } => Some((label, body)),
                _ => None,
            })
            .collect(),
    )
}
