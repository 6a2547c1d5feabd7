//! The durable operations the generated docs list, collected while the lint walks the body:
//! what each one is, the name history will show (a literal, a constant, a `format!` pattern,
//! the `name` of a `#[step]` fn), and where it sits: `if`/`match` arms, loops, the child
//! context of a map, parallel branch or `run_in_child_context`, or a helper fn of the file
//! that the body passes its context to. A helper whose body the macro cannot read is
//! recorded as such, so the docs can say so instead of listing nothing.

use super::text::{format_pattern, tidy};
use super::{path_string, Linter};
use crate::attr::{parse_step_args, StepArgs};
use crate::ctxt::Ctxt;
use std::cell::RefCell;
use std::rc::Rc;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, LitStr, Token};

/// A durable operation, as written in the body (or in a helper the body passes its context to).
pub(crate) struct Operation {
    /// `step`, `saga step`, `saga compensation`, `wait`, `callback`, `child context`, `map`,
    /// `parallel`, `invoke`, `combinator`, `retry block`, `wait for condition`, or `helper` (a
    /// fn given the context whose body the macro cannot see).
    pub(crate) kind: &'static str,
    /// The literal name, when the name is a string literal (for the duplicate-name check).
    pub(crate) name: Option<LitStr>,
    /// The name history will show, when it is known at compile time.
    pub(crate) history_name: Option<String>,
    /// How the docs show the name, as plain text: the name, a `format!` pattern, or the
    /// expression that computes it.
    pub(crate) label: String,
    /// Where the name comes from.
    pub(crate) naming: Naming,
    /// The labels of the child contexts (map, parallel, `run_in_child_context`, ..) it runs
    /// in, outermost first.
    pub(crate) parents: Vec<String>,
    /// The structure around it, outermost first.
    pub(crate) frames: Vec<Frame>,
    /// Whether it sits in a loop body.
    pub(crate) in_loop: bool,
    /// Which context it belongs to (0 = the workflow's, then one per child-context closure).
    pub(crate) scope: usize,
    /// The `if`/`match` arms it sits in, as `(branch site, arm)`.
    pub(crate) branches: Vec<(usize, usize)>,
    /// Options chained on the call, as written (`.retry(..)`, `.timeout(..)`).
    pub(crate) options: Vec<String>,
}

impl Operation {
    /// Whether the two operations sit in different arms of one `if`/`match`, so at most one of
    /// them runs.
    pub(crate) fn exclusive_with(&self, other: &Operation) -> bool {
        self.branches
            .iter()
            .any(|(site, arm)| other.branches.iter().any(|(s, a)| s == site && a != arm))
    }

    /// Whether it was found in a helper fn rather than in the workflow body itself.
    pub(crate) fn in_helper(&self) -> bool {
        self.frames.iter().any(|f| matches!(f, Frame::Helper { .. }))
    }

    /// The index of the operation whose child context it runs in (a map's items, a parallel's
    /// branches, `run_in_child_context`), innermost.
    pub(crate) fn within(&self) -> Option<usize> {
        self.frames.iter().rev().find_map(|f| match f {
            Frame::Context(i) => Some(*i),
            _ => None,
        })
    }
}

/// One level of structure around an operation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Frame {
    /// Arm `arm` of the `if`/`match` number `site`, which has `arms` arms (an `if` without
    /// `else` has two, the second empty).
    Arm {
        site: usize,
        arm: usize,
        arms: usize,
        /// `if <condition>` or `match <scrutinee>`.
        test: String,
        /// `yes`/`no` for an `if`, the pattern for a `match`.
        label: String,
    },
    /// The body of loop number `id` (`for x in xs`, `while c`, `loop`).
    Loop { id: usize, label: String },
    /// The child context of the operation at this index (its closure).
    Context(usize),
    /// A parallel branch (`Branch::new(..)`, `Branch::named("n", ..)`).
    Lane { id: usize, label: String },
    /// The body of a helper fn of this file, called with the context.
    Helper {
        id: usize,
        /// The fn as the call writes it (`book_all`).
        path: String,
        /// Whether the docs may link it (a `pub` fn of the workflow's module).
        link: bool,
    },
}

/// Where an operation's name comes from.
pub(crate) enum Naming {
    /// A string literal (or `"x".to_string()`, `String::from("x")`).
    Literal,
    /// A constant. The label is its value when the macro found it, else its path.
    Constant {
        path: String,
        /// Whether the docs may link it.
        link: bool,
        value_known: bool,
    },
    /// `format!(..)`: the label is its pattern, positional arguments written in.
    Format,
    /// Another expression: the label is the expression as written.
    Expression {
        /// The fn of this file it calls, when the docs may link it.
        link: Option<String>,
    },
    /// `ctx.run(step_fn(..))`.
    StepFn(Box<StepFnRef>),
    /// Named by the SDK (`ctx.now()` is the step `now`): the method called.
    Sdk(String),
    /// A fn the body passes its context to, whose body the macro cannot read.
    Helper,
    /// `saga.compensate()`: the compensation steps of the saga steps seen before it, in the
    /// order they would run.
    Compensations(Vec<String>),
}

/// A `#[step]` fn run with `ctx.run(..)`.
pub(crate) struct StepFnRef {
    /// The fn as the call writes it (`validate_payment`).
    pub(crate) path: String,
    /// Whether the docs may link it (a `pub` fn of the workflow's module).
    pub(crate) link: bool,
    /// Its `#[step(..)]` arguments, when the fn is in the workflow's file.
    pub(crate) args: Option<StepArgs>,
}

/// A name as the docs show it.
pub(super) struct Named {
    label: String,
    naming: Naming,
    history: Option<String>,
}

impl Named {
    fn literal(value: String) -> Named {
        Named {
            label: value.clone(),
            naming: Naming::Literal,
            history: Some(value),
        }
    }

    fn expression(expr: &Expr, link: Option<String>) -> Named {
        Named {
            label: tidy(expr),
            naming: Naming::Expression { link },
            history: None,
        }
    }
}

/// Strips what only changes the type of a name: `&x`, `(x)`, `x.to_string()`, `x.into()`,
/// `String::from(x)`, `x.clone()`.
fn strip_conversions(expr: &Expr) -> &Expr {
    match expr {
        Expr::Reference(r) => strip_conversions(&r.expr),
        Expr::Paren(p) => strip_conversions(&p.expr),
        Expr::Group(g) => strip_conversions(&g.expr),
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "to_string" | "to_owned" | "into" | "clone" | "as_str" | "as_ref"
                ) =>
        {
            strip_conversions(&m.receiver)
        }
        Expr::Call(c) if c.args.len() == 1 => match &*c.func {
            Expr::Path(p)
                if path_string(&p.path)
                    .iter()
                    .rev()
                    .take(2)
                    .eq(["from", "String"].iter()) =>
            {
                c.args.first().map_or(expr, strip_conversions)
            }
            _ => expr,
        },
        _ => expr,
    }
}

/// The `#[step(..)]` arguments of a fn (errors are the step macro's to report, not ours).
fn step_args_of(f: &syn::ItemFn) -> StepArgs {
    let scratch = Ctxt::default();
    let tokens = f
        .attrs
        .iter()
        .find(|a| a.path().segments.last().is_some_and(|s| s.ident == "step"))
        .and_then(|a| match &a.meta {
            syn::Meta::List(list) => Some(list.tokens.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let args = parse_step_args(&scratch, tokens);
    let _ = scratch.finish();
    args
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Paths that take a context without being helpers: constructors (`Arc::new`, `Some`) and
/// the standard library's generic fns.
fn not_a_helper(segs: &[String]) -> bool {
    segs.iter().any(|s| s.starts_with(char::is_uppercase))
        || matches!(segs.first().map(String::as_str), Some("std" | "core" | "alloc"))
        || matches!(segs.last().map(String::as_str), Some("drop" | "identity"))
}

impl Linter<'_> {
    /// Records an operation whose first argument is its name.
    pub(super) fn record_op(&mut self, kind: &'static str, args: &Punctuated<Expr, Token![,]>) {
        let name = match args.first() {
            Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            })) => Some(name.clone()),
            _ => None,
        };
        let named = match args.first() {
            Some(first) => self.naming_of(first),
            None => Named {
                label: "(unnamed)".to_owned(),
                naming: Naming::Expression { link: None },
                history: None,
            },
        };
        if kind == "saga step" {
            self.saga_steps.push(named.label.clone());
        }
        self.record(kind, name, named);
    }

    /// `ctx.run(definition)`: named by the `#[step]` fn that builds the definition.
    pub(super) fn record_run(&mut self, arg: Option<&Expr>) {
        let named = match arg {
            Some(Expr::Call(call)) => self.step_fn_naming(call),
            Some(other) => Named::expression(other, None),
            None => Named::expression(&syn::parse_quote!(()), None),
        };
        self.record("step", None, named);
    }

    /// `ctx.now()`, `ctx.uuid()`, `ctx.random_u64()`: steps the SDK names.
    pub(super) fn record_sdk_step(&mut self, name: &str, method: &str) {
        self.record(
            "step",
            None,
            Named {
                label: name.to_owned(),
                naming: Naming::Sdk(method.to_owned()),
                history: Some(name.to_owned()),
            },
        );
    }

    /// `saga.compensate()`: one step per registered compensation, last registered first.
    pub(super) fn record_compensation(&mut self) {
        let steps: Vec<String> = self
            .saga_steps
            .iter()
            .rev()
            .map(|s| format!("compensate-{s}"))
            .collect();
        let label = if steps.is_empty() {
            "compensate-<saga step>".to_owned()
        } else {
            steps.join(", ")
        };
        self.record(
            "saga compensation",
            None,
            Named {
                label,
                naming: Naming::Compensations(steps),
                history: None,
            },
        );
    }

    fn record(&mut self, kind: &'static str, name: Option<LitStr>, named: Named) {
        self.ops.push(Operation {
            kind,
            name,
            history_name: named.history,
            label: named.label,
            naming: named.naming,
            parents: self.parents.clone(),
            frames: self.frames.clone(),
            in_loop: self.loops > 0,
            scope: self.scopes.last().copied().unwrap_or_default(),
            branches: self.branches.clone(),
            options: Vec::new(),
        });
    }

    /// The index the next recorded operation gets.
    pub(super) fn next_op_index(&self) -> usize {
        self.op_base + self.ops.len()
    }

    /// Runs `f` inside a frame (an arm, a loop, a child context, ..).
    pub(super) fn framed<F: FnOnce(&mut Self)>(&mut self, frame: Frame, f: F) {
        let arm = match &frame {
            Frame::Arm { site, arm, .. } => Some((*site, *arm)),
            _ => None,
        };
        let is_loop = matches!(frame, Frame::Loop { .. });
        self.frames.push(frame);
        if let Some(arm) = arm {
            self.branches.push(arm);
        }
        self.loops += usize::from(is_loop);
        f(self);
        self.loops -= usize::from(is_loop);
        if arm.is_some() {
            self.branches.pop();
        }
        self.frames.pop();
    }

    /// A loop frame with the next loop id.
    pub(super) fn loop_frame(&mut self, label: String) -> Frame {
        self.next_loop += 1;
        Frame::Loop {
            id: self.next_loop,
            label,
        }
    }

    /// A parallel branch frame with the next lane id.
    pub(super) fn lane_frame(&mut self, label: String) -> Frame {
        self.next_lane += 1;
        Frame::Lane {
            id: self.next_lane,
            label,
        }
    }

    /// How the docs show the name an operation is given.
    fn naming_of(&self, expr: &Expr) -> Named {
        let inner = strip_conversions(expr);
        match inner {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Named::literal(s.value()),
            Expr::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "format") => {
                match format_pattern(&m.mac) {
                    Some(pattern) => Named {
                        label: pattern,
                        naming: Naming::Format,
                        history: None,
                    },
                    None => Named::expression(expr, None),
                }
            }
            Expr::Path(p) if p.qself.is_none() => self.constant_naming(&p.path, expr),
            Expr::Call(call) => {
                let link = self.local_call_path(call).and_then(|(file, segs)| {
                    let f = file.fns.get(&segs)?;
                    (segs.len() == 1 && is_pub(&f.vis)).then(|| segs.join("::"))
                });
                Named::expression(expr, link)
            }
            _ => Named::expression(expr, None),
        }
    }

    /// A name given by a path: a constant of the body or of the file (its value), another
    /// constant (its path), or a local variable (computed).
    fn constant_naming(&self, path: &syn::Path, expr: &Expr) -> Named {
        let written = path_string(path);
        if let [single] = written.as_slice() {
            if self.names.value(single).is_some() {
                return Named::expression(expr, None);
            }
            if let Some(value) = self.local_consts.get(single) {
                return Named {
                    label: value.clone().unwrap_or_else(|| single.clone()),
                    naming: Naming::Constant {
                        path: single.clone(),
                        link: false,
                        value_known: value.is_some(),
                    },
                    history: value.clone(),
                };
            }
        }
        let shown = written.join("::");
        let local: Vec<String> = written
            .iter()
            .skip_while(|s| *s == "crate" || *s == "self" || *s == "super")
            .cloned()
            .collect();
        if let Some(c) = self.file.as_ref().and_then(|f| f.consts.get(&local)) {
            return Named {
                label: c.value.clone().unwrap_or_else(|| shown.clone()),
                naming: Naming::Constant {
                    path: shown,
                    link: local.len() == 1 && c.public,
                    value_known: c.value.is_some(),
                },
                history: c.value.clone(),
            };
        }
        if written.last().is_some_and(|s| super::is_screaming(s)) {
            return Named {
                label: shown.clone(),
                naming: Naming::Constant {
                    path: shown,
                    link: false,
                    value_known: false,
                },
                history: None,
            };
        }
        Named::expression(expr, None)
    }

    /// `ctx.run(validate_payment(..))`: the name in the fn's `#[step]`, or its default (the
    /// fn's name), when the fn is in this file.
    fn step_fn_naming(&self, call: &syn::ExprCall) -> Named {
        let Expr::Path(p) = &*call.func else {
            return Named::expression(&Expr::Call(call.clone()), None);
        };
        let written = path_string(&p.path);
        let found = self.local_call_path(call).and_then(|(file, segs)| {
            if !file.step_fns.contains(&segs) {
                return None;
            }
            let f = file.fns.get(&segs)?;
            Some((f.clone(), segs.len() == 1 && is_pub(&f.vis)))
        });
        match found {
            Some((f, link)) => {
                let args = step_args_of(&f);
                let name = args
                    .name
                    .as_ref()
                    .map_or_else(|| f.sig.ident.to_string(), |n| n.value.clone());
                Named {
                    label: name.clone(),
                    naming: Naming::StepFn(Box::new(StepFnRef {
                        path: written.join("::"),
                        link,
                        args: Some(args),
                    })),
                    history: Some(name),
                }
            }
            None => Named {
                label: format!("{}()", written.join("::")),
                naming: Naming::StepFn(Box::new(StepFnRef {
                    path: written.join("::"),
                    link: false,
                    args: None,
                })),
                history: None,
            },
        }
    }

    /// Whether a value hands the context on: the context itself (or a clone, or a reference),
    /// or a saga.
    fn carries_context(&self, expr: &Expr) -> bool {
        self.is_ctx(expr) || self.is_saga(expr)
    }

    /// Whether a value is a `Saga` (from `ctx.saga()`, or a parameter of that type).
    pub(super) fn is_saga(&self, expr: &Expr) -> bool {
        self.type_of(expr).is_some_and(|t| t == "Saga")
    }

    /// A call that hands the context to a fn: the fn's operations when its body is in this
    /// file (or in the workflow's body), otherwise an entry naming it.
    pub(super) fn helper_call(&mut self, call: &syn::ExprCall) {
        if self.in_step > 0 || !call.args.iter().any(|a| self.carries_context(a)) {
            return;
        }
        let Expr::Path(p) = &*call.func else { return };
        let segs = path_string(&p.path);
        if not_a_helper(&segs) {
            return;
        }
        let written = segs.join("::");
        if let [single] = segs.as_slice() {
            if self.names.value(single).is_some() {
                return; // a closure of the body: its operations were seen where it is written
            }
            if let Some(f) = self.local_fns.get(single).cloned() {
                self.walk_helper(&written, false, &f.sig.inputs, &f.block);
                return;
            }
        }
        let found = self.local_call_path(call).and_then(|(file, local)| {
            if file.step_fns.contains(&local) {
                return Some(None);
            }
            let f = file.fns.get(&local)?;
            Some(Some((f.clone(), local.len() == 1 && is_pub(&f.vis))))
        });
        match found {
            Some(Some((f, link))) => self.walk_helper(&written, link, &f.sig.inputs, &f.block),
            Some(None) => {}
            None => self.record_unseen_helper(format!("{written}()")),
        }
    }

    /// A method call that hands the context to a method: the method's operations when the
    /// receiver's type and the method are in this file, otherwise an entry naming it.
    pub(super) fn helper_method(&mut self, call: &syn::ExprMethodCall, method: &str) {
        if self.in_step > 0
            || self.carries_context(&call.receiver)
            || !call.args.iter().any(|a| self.carries_context(a))
        {
            return;
        }
        let found = self.type_of(&call.receiver).and_then(|ty| {
            let f = self
                .file
                .as_ref()?
                .methods
                .get(&(ty.clone(), method.to_owned()))?;
            Some((ty, f.clone()))
        });
        match found {
            Some((ty, f)) => self.walk_helper(&format!("{ty}::{method}"), false, &f.sig.inputs, &f.block),
            None if super::COMMON_METHODS.contains(&method) => {}
            None => {
                let receiver = &call.receiver;
                self.record_unseen_helper(format!("{}.{method}()", tidy(receiver)));
            }
        }
    }

    fn record_unseen_helper(&mut self, label: String) {
        self.record(
            "helper",
            None,
            Named {
                label,
                naming: Naming::Helper,
                history: None,
            },
        );
    }

    /// Walks a helper's body for its operations, as if it were written at the call: they keep
    /// the call's arms, loops and context, inside a helper frame. The lint's findings in the
    /// helper are reported at the call by `check_helper`, so this walk reports nothing.
    fn walk_helper(
        &mut self,
        path: &str,
        link: bool,
        inputs: &Punctuated<syn::FnArg, Token![,]>,
        block: &syn::Block,
    ) {
        let label = format!("{path}()");
        if self.depth >= 6 || self.visiting.contains(&label) {
            return;
        }
        let scratch = Ctxt::default();
        let mut block = block.clone();
        let mut visiting = self.visiting.clone();
        visiting.insert(label);
        let mut sub = Linter::new(
            &scratch,
            &block,
            self.file.clone(),
            Some(RefCell::new(Vec::new())),
            visiting,
            self.depth + 1,
        );
        for input in inputs {
            if let syn::FnArg::Typed(pt) = input {
                sub.names
                    .bind_pat(&syn::Pat::Type(pt.clone()), super::ValueFacts::default());
            }
        }
        self.next_helper += 1;
        sub.frames = self.frames.clone();
        sub.frames.push(Frame::Helper {
            id: self.next_helper,
            path: path.to_owned(),
            link,
        });
        sub.parents = self.parents.clone();
        sub.scopes = self.scopes.clone();
        sub.next_scope = self.next_scope;
        sub.branches = self.branches.clone();
        sub.next_branch = self.next_branch;
        sub.loops = self.loops;
        sub.next_loop = self.next_loop;
        sub.next_lane = self.next_lane;
        sub.next_helper = self.next_helper;
        sub.op_base = self.next_op_index();
        sub.saga_steps = std::mem::take(&mut self.saga_steps);
        sub.visit_block_mut(&mut block);
        self.next_scope = sub.next_scope;
        self.next_branch = sub.next_branch;
        self.next_loop = sub.next_loop;
        self.next_lane = sub.next_lane;
        self.next_helper = sub.next_helper;
        self.saga_steps = std::mem::take(&mut sub.saga_steps);
        self.ops.append(&mut sub.ops);
        drop(sub);
        let _ = scratch.finish();
    }

    /// Remembers a `const NAME: &str = "..";` declared in the body.
    pub(super) fn declare_const(&mut self, c: &syn::ItemConst) {
        let value = match &*c.expr {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        };
        self.local_consts.insert(c.ident.to_string(), value);
    }
}

/// Nested fns of the body, by name, for the helper walk.
pub(super) type LocalFns = std::collections::HashMap<String, Rc<syn::ItemFn>>;
