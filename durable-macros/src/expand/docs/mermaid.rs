//! The same flowchart as Mermaid source, for people who paste it elsewhere (it is in the docs,
//! collapsed, and in `MANIFEST.mermaid`): a node per operation, a decision per `if`/`match`
//! (with the way around when an arm has no operation), a subgraph per loop (with a dotted back
//! edge), per child context and per helper.

use super::flow::{Body, Item};
use std::fmt::Write;

/// The Mermaid source of a workflow's tree.
pub(crate) fn render(items: &[Item<'_>]) -> String {
    let mut m = Mermaid {
        out: String::from("flowchart TD\n    start([start])\n"),
        next: 0,
    };
    let exits = m.block(items, vec![("start".to_owned(), None)], 1);
    m.out.push_str("    done([end])\n");
    m.link(&exits, "done", 1);
    m.out
}

/// A node label: Mermaid's entities for the characters its syntax uses.
fn label(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('`', "")
}

/// The id of the first node a sequence draws (where a loop's back edge goes).
fn first_node(items: &[Item<'_>]) -> Option<String> {
    match items.first()? {
        Item::Op { index, .. } => Some(format!("op{}", index + 1)),
        _ => None,
    }
}

/// Edges still to draw into the next node: from a node, with an optional label.
type Ends = Vec<(String, Option<String>)>;

struct Mermaid {
    out: String,
    next: usize,
}

impl Mermaid {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn line(&mut self, depth: usize, text: &str) {
        let _ = writeln!(self.out, "{}{text}", "    ".repeat(depth));
    }

    fn link(&mut self, from: &Ends, to: &str, depth: usize) {
        for (f, l) in from {
            match l {
                Some(l) => self.line(depth, &format!("{f} -->|\"{}\"| {to}", label(l))),
                None => self.line(depth, &format!("{f} --> {to}")),
            }
        }
    }

    /// A sequence entered from `entries`; returns its exits.
    fn block(&mut self, items: &[Item<'_>], mut entries: Ends, depth: usize) -> Ends {
        for item in items {
            entries = self.item(item, entries, depth);
        }
        entries
    }

    fn item(&mut self, item: &Item<'_>, entries: Ends, depth: usize) -> Ends {
        match item {
            Item::Op { index, op, body } => {
                let node = format!("op{}", index + 1);
                let text = format!("{} · {}: {}", index + 1, op.kind, op.label);
                self.line(depth, &format!("{node}[\"{}\"]", label(&text)));
                self.link(&entries, &node, depth);
                let entry = vec![(node, None)];
                match body {
                    None => entry,
                    Some(Body::Seq(items)) => {
                        let group = self.id("ctx");
                        let title = format!("child context of {}", index + 1);
                        self.line(depth, &format!("subgraph {group}[\"{}\"]", label(&title)));
                        let exits = self.block(items, entry, depth + 1);
                        self.line(depth, "end");
                        exits
                    }
                    Some(Body::Lanes(lanes)) => {
                        let mut exits = Vec::new();
                        for (name, items) in lanes {
                            let group = self.id("branch");
                            self.line(depth, &format!("subgraph {group}[\"{}\"]", label(name)));
                            exits.extend(self.block(items, entry.clone(), depth + 1));
                            self.line(depth, "end");
                        }
                        exits
                    }
                }
            }
            Item::Branch { test, arms, skip } => {
                let decision = self.id("d");
                self.line(depth, &format!("{decision}{{\"{}\"}}", label(test)));
                self.link(&entries, &decision, depth);
                let mut exits = Vec::new();
                for arm in arms {
                    let entry = vec![(decision.clone(), Some(arm.label.clone()))];
                    exits.extend(self.block(&arm.body, entry, depth));
                }
                if let Some(skip) = skip {
                    exits.push((decision, Some(skip.clone())));
                }
                exits
            }
            Item::Loop { label: text, body } => {
                let group = self.id("loop");
                self.line(depth, &format!("subgraph {group}[\"{}\"]", label(text)));
                let exits = self.block(body, entries, depth + 1);
                if let Some(first) = first_node(body) {
                    for (from, _) in &exits {
                        self.line(depth + 1, &format!("{from} -.->|repeats| {first}"));
                    }
                }
                self.line(depth, "end");
                exits
            }
            Item::Group {
                label: text, body, ..
            } => {
                let group = self.id("group");
                self.line(depth, &format!("subgraph {group}[\"{}\"]", label(text)));
                let exits = self.block(body, entries, depth + 1);
                self.line(depth, "end");
                exits
            }
        }
    }
}
