//! The flowchart as inline SVG, laid out at compile time: top to bottom, one box per
//! operation, a diamond per `if`/`match` (its arms side by side, and the way around when an
//! arm has no operation), a box with a back edge per loop, and boxes around what runs in a
//! child context (map items, parallel branches side by side, `run_in_child_context`) and
//! around a helper's operations.
//!
//! No script and no fonts to load: text is monospace, so its width is known here, and
//! colours are `currentColor` (the theme's text colour) plus one mid-tone per kind of
//! operation, readable on rustdoc's light, dark and ayu backgrounds. The output depends only
//! on the operations, so it is the same on every build.

use super::flow::{Arm, Body, Item};
use crate::lint::Operation;
use std::fmt::Write;

/// Vertical room between two items (an arrow).
const GAP: i32 = 26;
/// Horizontal room between arms and lanes.
const H_GAP: i32 = 24;
/// Inner padding of boxes.
const PAD: i32 = 12;
/// Line height of names.
const LINE: i32 = 15;
/// The label line at the top of a loop, helper or branch box.
const HEADER: i32 = 22;
/// Room for the back edge on the right of a loop's box.
const LOOP_LANE: i32 = 26;
/// The longest line of a name, in characters (longer names wrap, then are cut).
const MAX_CHARS: usize = 34;
/// Font sizes: names, and the small text (kinds, labels).
const FONT: i32 = 12;
const SMALL: i32 = 11;
/// Start and end pills.
const TERMINAL_H: i32 = 26;
const MARGIN: i32 = 8;

/// The width of monospace text (0.6 em per character).
fn text_width(text: &str, size: i32) -> i32 {
    let chars = i32::try_from(text.chars().count()).unwrap_or(i32::MAX / 16);
    (chars * size * 6 + 9) / 10
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Cuts `text` to `max` characters, with an ellipsis.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Wraps a name into at most three lines, breaking after spaces, commas or dashes.
fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut rest: Vec<char> = text.chars().collect();
    while !rest.is_empty() {
        if lines.len() == 2 {
            lines.push(cut(&rest.iter().collect::<String>(), MAX_CHARS));
            break;
        }
        if rest.len() <= MAX_CHARS {
            lines.push(rest.iter().collect());
            break;
        }
        // Break after the last space of the line, else after the last dash, comma, ...
        let window = &rest[..MAX_CHARS];
        let after = |seps: &[char]| {
            window
                .iter()
                .rposition(|c| seps.contains(c))
                .filter(|&i| i >= MAX_CHARS / 3)
        };
        let at = after(&[' '])
            .or_else(|| after(&['-', '_', ',', '/', '.', ':']))
            .map_or(MAX_CHARS, |i| i + 1);
        lines.push(rest[..at].iter().collect::<String>().trim_end().to_owned());
        rest = rest[at..].iter().copied().skip_while(|c| *c == ' ').collect();
    }
    lines
}

/// The stroke colour of an operation's box.
fn colour(kind: &str) -> &'static str {
    match kind {
        "step" | "saga step" => "#4f8edc",
        "wait" | "wait for condition" => "#d08c2d",
        "callback" => "#a070d8",
        "invoke" => "#2aa198",
        "saga compensation" => "#dc5a5a",
        "helper" => "currentColor",
        _ => "#3fa66a",
    }
}

/// What a container's box says under its name.
fn container_note(kind: &str) -> &'static str {
    match kind {
        "map" => "each item in a child context of its own",
        "parallel" => "branches run concurrently",
        "retry block" => "each attempt in a child context",
        _ => "in a child context",
    }
}

/// The text of an operation's box: `1 · step`, then the name.
struct NodeText {
    kind: String,
    lines: Vec<String>,
}

impl NodeText {
    fn of(index: usize, op: &Operation) -> NodeText {
        NodeText {
            kind: format!("{} · {}", index + 1, op.kind),
            lines: wrap(&op.label),
        }
    }

    fn width(&self) -> i32 {
        let widest = self.lines.iter().map(|l| text_width(l, FONT)).max().unwrap_or(0);
        (widest.max(text_width(&self.kind, SMALL)) + 2 * PAD).max(110)
    }

    fn height(&self) -> i32 {
        let lines = i32::try_from(self.lines.len()).unwrap_or(3);
        23 + LINE * lines + 7
    }
}

/// The extent of an item around its centre line, and its height.
#[derive(Clone, Copy, Default)]
struct Size {
    left: i32,
    right: i32,
    height: i32,
}

impl Size {
    fn centred(width: i32, height: i32) -> Size {
        Size {
            left: width / 2,
            right: width - width / 2,
            height,
        }
    }

    /// Widened so that text `width` wide, centred on the centre line, fits.
    fn fits_centred(self, width: i32) -> Size {
        Size {
            left: self.left.max(width / 2),
            right: self.right.max(width - width / 2),
            height: self.height,
        }
    }

    /// Widened (both sides alike) to at least `width`.
    fn at_least(self, width: i32) -> Size {
        let missing = width - (self.left + self.right);
        if missing <= 0 {
            return self;
        }
        Size {
            left: self.left + missing / 2,
            right: self.right + missing - missing / 2,
            height: self.height,
        }
    }
}

fn block_size(items: &[Item<'_>]) -> Size {
    let mut size = Size::default();
    for (i, item) in items.iter().enumerate() {
        let s = item_size(item);
        size.left = size.left.max(s.left);
        size.right = size.right.max(s.right);
        size.height += s.height + if i > 0 { GAP } else { 0 };
    }
    size
}

/// A labelled box around a block (a loop, a helper, a parallel branch).
fn framed_size(label: &str, body: &[Item<'_>], lane: i32) -> Size {
    let inner = block_size(body);
    Size {
        left: inner.left + PAD,
        right: inner.right + PAD + lane,
        height: HEADER + GAP + inner.height + GAP / 2 + 4,
    }
    .at_least(text_width(label, SMALL) + 2 * PAD)
}

fn lanes_layout(lanes: &[(String, Vec<Item<'_>>)]) -> (Vec<(i32, Size)>, i32) {
    let sizes: Vec<Size> = lanes
        .iter()
        .map(|(label, body)| framed_size(label, body, 0))
        .collect();
    let total: i32 = sizes.iter().map(|s| s.left + s.right).sum::<i32>()
        + H_GAP * (i32::try_from(sizes.len()).unwrap_or(1) - 1);
    let mut x = -total / 2;
    let mut placed = Vec::new();
    for s in sizes {
        placed.push((x + s.left, s));
        x += s.left + s.right + H_GAP;
    }
    (placed, total)
}

/// Where a branch's arms go: their centres, the diamond's size, and the way around.
struct BranchLayout {
    diamond: (i32, i32),
    arms: Vec<(i32, Size)>,
    skip_x: Option<i32>,
    arms_top: i32,
    merge_y: i32,
}

fn arm_label(label: &str) -> String {
    cut(label, 28)
}

fn diamond_text(test: &str) -> String {
    cut(test, 30)
}

fn branch_layout(test: &str, arms: &[Arm<'_>], skip: bool) -> BranchLayout {
    let text = diamond_text(test);
    let diamond = ((text_width(&text, SMALL) * 3 / 2 + 36).max(80), 40);
    // An arm's label is written right of its line: room for it, so that it crosses neither
    // the next arm nor the way around.
    let sizes: Vec<Size> = arms
        .iter()
        .map(|a| {
            let s = block_size(&a.body);
            Size {
                right: s.right.max(5 + text_width(&arm_label(&a.label), SMALL) + 6),
                ..s
            }
        })
        .collect();
    let total: i32 = sizes.iter().map(|s| s.left + s.right).sum::<i32>()
        + H_GAP * (i32::try_from(sizes.len()).unwrap_or(1) - 1);
    let mut x = if sizes.len() == 1 {
        -sizes[0].left
    } else {
        -total / 2
    };
    let mut placed = Vec::new();
    for s in &sizes {
        placed.push((x + s.left, *s));
        x += s.left + s.right + H_GAP;
    }
    let arms_right = placed.iter().map(|(c, s)| c + s.right).max().unwrap_or(0);
    let skip_x = skip.then(|| arms_right.max(diamond.0 / 2) + H_GAP);
    let arms_top = diamond.1 + 30;
    let tallest = sizes.iter().map(|s| s.height).max().unwrap_or(0);
    BranchLayout {
        diamond,
        arms: placed,
        skip_x,
        arms_top,
        merge_y: arms_top + tallest + 18,
    }
}

fn item_size(item: &Item<'_>) -> Size {
    match item {
        Item::Op { index, op, body } => {
            let text = NodeText::of(*index, op);
            let (w, h) = (text.width(), text.height());
            match body {
                None => Size::centred(w, h),
                Some(Body::Seq(items)) => {
                    let inner = block_size(items);
                    let header = h + 12;
                    Size {
                        left: inner.left + PAD,
                        right: inner.right + PAD,
                        height: header + GAP + inner.height + PAD,
                    }
                    .fits_centred(w.max(text_width(container_note(op.kind), SMALL) + 2 * PAD))
                }
                Some(Body::Lanes(lanes)) => {
                    let (placed, total) = lanes_layout(lanes);
                    let tallest = placed.iter().map(|(_, s)| s.height).max().unwrap_or(0);
                    Size::centred(total + 2 * PAD, h + 12 + GAP + tallest + 18 + PAD)
                        .fits_centred(w.max(text_width(container_note(op.kind), SMALL) + 2 * PAD))
                }
            }
        }
        Item::Branch { test, arms, skip } => {
            let layout = branch_layout(test, arms, skip.is_some());
            let left = layout
                .arms
                .iter()
                .map(|(c, s)| s.left - c)
                .max()
                .unwrap_or(0)
                .max(layout.diamond.0 / 2);
            let mut right = layout
                .arms
                .iter()
                .map(|(c, s)| c + s.right)
                .max()
                .unwrap_or(0)
                .max(layout.diamond.0 / 2);
            if let (Some(x), Some(label)) = (layout.skip_x, skip) {
                right = right.max(x + 4 + text_width(label, SMALL));
            }
            Size {
                left,
                right,
                height: layout.merge_y + 3,
            }
        }
        Item::Loop { label, body } => framed_size(&loop_label(label), body, LOOP_LANE),
        Item::Group { label, body, .. } => framed_size(label, body, 0),
    }
}

fn loop_label(label: &str) -> String {
    format!("repeats: {}", cut(label, 40))
}

/// The SVG of a workflow's flowchart. `title` names it for screen readers.
pub(crate) fn render(items: &[Item<'_>], title: &str) -> String {
    let body = block_size(items);
    let terminal = Size::centred(70, TERMINAL_H);
    let left = body.left.max(terminal.left) + MARGIN;
    let right = body.right.max(terminal.right) + MARGIN;
    let (width, cx) = (left + right, left);
    let mut c = Canvas::default();
    let mut y = MARGIN;
    c.terminal(cx, y, "start");
    y += TERMINAL_H;
    c.arrow_down(cx, y, y + GAP);
    y += GAP;
    c.block(items, cx, y);
    y += body.height;
    c.arrow_down(cx, y, y + GAP);
    y += GAP;
    c.terminal(cx, y, "end");
    let height = y + TERMINAL_H + MARGIN;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"durable-flowchart\" role=\"img\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         style=\"max-width:100%;height:auto\" \
         font-family=\"ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace\" \
         font-size=\"{FONT}\" fill=\"none\" stroke-linejoin=\"round\">\
         <title>{}</title>{}</svg>",
        escape(title),
        c.out
    )
}

#[derive(Default)]
struct Canvas {
    out: String,
}

impl Canvas {
    fn line(&mut self, points: &[(i32, i32)], dashed: bool) {
        let mut d = String::new();
        for (i, (x, y)) in points.iter().enumerate() {
            let _ = write!(d, "{}{x} {y}", if i == 0 { "M" } else { " L" });
        }
        let dash = if dashed { " stroke-dasharray=\"4 3\"" } else { "" };
        let _ = write!(
            self.out,
            "<path d=\"{d}\" stroke=\"currentColor\" stroke-opacity=\"0.75\" stroke-width=\"1.2\"{dash}/>"
        );
    }

    /// An arrowhead at `(x, y)` pointing down (`dx`, `dy` = 0, 1), left (-1, 0), ...
    fn head(&mut self, x: i32, y: i32, dx: i32, dy: i32) {
        let (bx, by) = (x - 7 * dx, y - 7 * dy);
        let (px, py) = (-dy * 4, dx * 4);
        let _ = write!(
            self.out,
            "<path d=\"M{x} {y} L{} {} L{} {} Z\" fill=\"currentColor\" fill-opacity=\"0.75\"/>",
            bx + px,
            by + py,
            bx - px,
            by - py
        );
    }

    fn arrow_down(&mut self, x: i32, from: i32, to: i32) {
        self.line(&[(x, from), (x, to)], false);
        self.head(x, to, 0, 1);
    }

    fn text(&mut self, x: i32, y: i32, text: &str, small: bool, anchor: &str) {
        let (size, opacity) = if small { (SMALL, "0.75") } else { (FONT, "1") };
        let _ = write!(
            self.out,
            "<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\" fill=\"currentColor\" fill-opacity=\"{opacity}\" \
             text-anchor=\"{anchor}\">{}</text>",
            escape(text)
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn rect(&mut self, x: i32, y: i32, w: i32, h: i32, stroke: &str, dash: Option<&str>, radius: i32) {
        let dash = dash.map_or_else(String::new, |d| format!(" stroke-dasharray=\"{d}\""));
        let _ = write!(
            self.out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"{radius}\" fill=\"currentColor\" \
             fill-opacity=\"0.04\" stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}/>"
        );
    }

    fn terminal(&mut self, cx: i32, y: i32, label: &str) {
        self.rect(cx - 35, y, 70, TERMINAL_H, "currentColor", None, TERMINAL_H / 2);
        self.text(cx, y + 17, label, true, "middle");
    }

    /// An operation's text, centred on `cx` from `y`.
    fn node_text(&mut self, text: &NodeText, cx: i32, y: i32) {
        self.text(cx, y + 18, &text.kind, true, "middle");
        for (k, line) in text.lines.iter().enumerate() {
            let k = i32::try_from(k).unwrap_or(0);
            self.text(cx, y + 34 + LINE * k, line, false, "middle");
        }
    }

    /// A sequence, centred on `cx`, from `y`; arrows between its items.
    fn block(&mut self, items: &[Item<'_>], cx: i32, mut y: i32) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.arrow_down(cx, y, y + GAP);
                y += GAP;
            }
            self.item(item, cx, y);
            y += item_size(item).height;
        }
    }

    fn item(&mut self, item: &Item<'_>, cx: i32, y: i32) {
        let size = item_size(item);
        match item {
            Item::Op { index, op, body } => {
                let text = NodeText::of(*index, op);
                let dash = (op.kind == "helper").then_some("4 3");
                self.rect(
                    cx - size.left,
                    y,
                    size.left + size.right,
                    size.height,
                    colour(op.kind),
                    dash,
                    6,
                );
                self.node_text(&text, cx, y);
                let Some(body) = body else { return };
                let header = text.height() + 12;
                self.text(cx, y + header - 6, container_note(op.kind), true, "middle");
                match body {
                    Body::Seq(items) => {
                        self.arrow_down(cx, y + header, y + header + GAP);
                        self.block(items, cx, y + header + GAP);
                    }
                    Body::Lanes(lanes) => {
                        let (placed, _) = lanes_layout(lanes);
                        let top = y + header + GAP;
                        let join = top + placed.iter().map(|(_, s)| s.height).max().unwrap_or(0) + 18;
                        for ((label, body), (lx, s)) in lanes.iter().zip(&placed) {
                            let lx = cx + lx;
                            self.line(
                                &[
                                    (cx, y + header),
                                    (cx, y + header + 10),
                                    (lx, y + header + 10),
                                    (lx, top),
                                ],
                                false,
                            );
                            self.head(lx, top, 0, 1);
                            self.framed(label, body, lx, top, *s, "2 3");
                            self.line(&[(lx, top + s.height), (lx, join), (cx, join)], false);
                        }
                        self.dot(cx, join);
                    }
                }
            }
            Item::Branch { test, arms, skip } => self.branch(test, arms, skip.as_deref(), cx, y),
            Item::Loop { label, body } => {
                let label = loop_label(label);
                let inner_top = self.framed(&label, body, cx, y, size, "6 4");
                // The back edge: from under the body, up the right-hand side, into its top.
                let inner = block_size(body);
                let bottom = inner_top + inner.height;
                let lane = cx + size.right - LOOP_LANE / 2 - 2;
                let rejoin = inner_top - GAP / 2;
                self.line(
                    &[
                        (cx, bottom + 8),
                        (lane, bottom + 8),
                        (lane, rejoin),
                        (cx + 8, rejoin),
                    ],
                    true,
                );
                self.head(cx + 1, rejoin, -1, 0);
            }
            Item::Group { label, body, lane } => {
                let dash = if *lane { "2 3" } else { "1 3" };
                self.framed(label, body, cx, y, size, dash);
            }
        }
    }

    /// A labelled box of `size` around a block; returns the block's top.
    fn framed(&mut self, label: &str, body: &[Item<'_>], cx: i32, y: i32, size: Size, dash: &str) -> i32 {
        self.rect(
            cx - size.left,
            y,
            size.left + size.right,
            size.height,
            "currentColor",
            Some(dash),
            8,
        );
        let x = cx - size.left + PAD;
        self.text(x, y + 15, label, true, "start");
        let top = y + HEADER + GAP;
        // The way in passes under the label when the label reaches the centre line.
        let from = if x + text_width(label, SMALL) + 4 < cx {
            y
        } else {
            y + HEADER - 2
        };
        self.arrow_down(cx, from, top);
        self.block(body, cx, top);
        let bottom = top + block_size(body).height;
        self.line(&[(cx, bottom), (cx, y + size.height)], false);
        top
    }

    fn dot(&mut self, x: i32, y: i32) {
        let _ = write!(
            self.out,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"3\" fill=\"currentColor\" fill-opacity=\"0.75\"/>"
        );
    }

    fn branch(&mut self, test: &str, arms: &[Arm<'_>], skip: Option<&str>, cx: i32, y: i32) {
        let layout = branch_layout(test, arms, skip.is_some());
        let (dw, dh) = layout.diamond;
        let _ = write!(
            self.out,
            "<path d=\"M{cx} {y} L{} {} L{cx} {} L{} {} Z\" fill=\"currentColor\" fill-opacity=\"0.04\" \
             stroke=\"currentColor\" stroke-opacity=\"0.75\" stroke-width=\"1.5\"/>",
            cx + dw / 2,
            y + dh / 2,
            y + dh,
            cx - dw / 2,
            y + dh / 2
        );
        self.text(cx, y + dh / 2 + 4, &diamond_text(test), true, "middle");
        let split = y + dh + 10;
        let top = y + layout.arms_top;
        let merge = y + layout.merge_y;
        for (arm, (ax, s)) in arms.iter().zip(&layout.arms) {
            let ax = cx + ax;
            self.line(&[(cx, y + dh), (cx, split), (ax, split), (ax, top)], false);
            self.head(ax, top, 0, 1);
            self.text(ax + 5, top - 8, &arm_label(&arm.label), true, "start");
            self.block(&arm.body, ax, top);
            self.line(&[(ax, top + s.height), (ax, merge), (cx, merge)], false);
        }
        if let (Some(sx), Some(label)) = (layout.skip_x, skip) {
            let sx = cx + sx;
            self.line(
                &[
                    (cx + dw / 2, y + dh / 2),
                    (sx, y + dh / 2),
                    (sx, merge),
                    (cx, merge),
                ],
                false,
            );
            self.text(sx + 4, y + dh / 2 + 16, label, true, "start");
        }
        self.dot(cx, merge);
    }
}

#[cfg(test)]
mod tests {
    use super::{cut, text_width, wrap};

    #[test]
    fn long_names_wrap_then_are_cut() {
        assert_eq!(wrap("validate-payment"), ["validate-payment"]);
        let lines = wrap("compensate-book-car, compensate-book-hotel, compensate-book-flight");
        assert_eq!(
            lines,
            [
                "compensate-book-car,",
                "compensate-book-hotel,",
                "compensate-book-flight"
            ]
        );
        let lines = wrap(&"x".repeat(200));
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(text_width("abcde", 12), 36);
    }
}
