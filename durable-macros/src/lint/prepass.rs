//! A read-only pass over the whole body before the lint walks it, for facts that a statement
//! needs from later statements: which bindings are later handed to a step as its body, which
//! vectors are sorted, which nested fns and local macros are used.

use std::collections::HashSet;
use syn::visit::{self, Visit};
use syn::{Expr, ExprMethodCall};

#[derive(Default)]
pub(crate) struct Facts {
    /// Names passed where the SDK runs a closure as a step or outside replay.
    pub(crate) step_bodies: HashSet<String>,
    /// Names that get `.sort*()` somewhere in the body.
    pub(crate) sorted: HashSet<String>,
    /// Single-segment functions called (or passed) from the body.
    pub(crate) called: HashSet<String>,
    /// Macros invoked in the body, by last segment.
    pub(crate) invoked_macros: HashSet<String>,
}

/// The argument positions of a method call that the SDK runs as a step (or outside replay):
/// `step(name, body)`, a saga's `step(name, forward, compensation)`, the `wait_for_callback`
/// submitter and the `wait_for_condition` check.
pub(crate) fn step_positions(method: &str, args: usize) -> &'static [usize] {
    match (method, args) {
        ("step", 2) => &[1],
        ("step", 3) => &[1, 2],
        ("wait_for_callback", 2) => &[1],
        ("wait_for_condition", 4) => &[3],
        _ => &[],
    }
}

/// The argument positions whose closure runs as a child context (its first parameter is a
/// `DurableContext`): `run_in_child_context`, `map` items, `with_retry` attempts.
pub(crate) fn context_positions(method: &str, args: usize) -> &'static [usize] {
    match (method, args) {
        ("run_in_child_context", 2) => &[1],
        ("map", 3) => &[2],
        ("with_retry", 3) => &[2],
        _ => &[],
    }
}

pub(crate) fn collect(block: &syn::Block) -> Facts {
    let mut facts = Facts::default();
    facts.visit_block(block);
    facts
}

fn single_ident(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(ToString::to_string),
        Expr::Reference(r) => single_ident(&r.expr),
        Expr::Paren(p) => single_ident(&p.expr),
        // `body.clone()` handed to a step.
        Expr::MethodCall(m) if m.method == "clone" => single_ident(&m.receiver),
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Facts {
    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        let method = call.method.to_string();
        for &i in step_positions(&method, call.args.len()) {
            if let Some(name) = call.args.iter().nth(i).and_then(single_ident) {
                self.step_bodies.insert(name);
            }
        }
        if method.starts_with("sort") {
            if let Some(name) = single_ident(&call.receiver) {
                self.sorted.insert(name);
            }
        }
        // A fn passed by name (`items.iter().map(helper)`).
        for arg in &call.args {
            if let Expr::Path(p) = arg {
                if let Some(i) = p.path.get_ident() {
                    self.called.insert(i.to_string());
                }
            }
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*call.func {
            if let Some(i) = p.path.get_ident() {
                self.called.insert(i.to_string());
            }
            // `Vec::sort(&mut v)` is rare; `sort_vec(&mut v)` helpers are not followed.
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(last) = mac.path.segments.last() {
            self.invoked_macros.insert(last.ident.to_string());
        }
        // Calls inside macro arguments count as calls too.
        scan_tokens(mac.tokens.clone(), &mut self.called, &mut self.invoked_macros);
        visit::visit_macro(self, mac);
    }
}

fn scan_tokens(tokens: proc_macro2::TokenStream, called: &mut HashSet<String>, macros: &mut HashSet<String>) {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tt) in tokens.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) => match tokens.get(i + 1) {
                Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis => {
                    called.insert(id.to_string());
                }
                Some(TokenTree::Punct(p)) if p.as_char() == '!' => {
                    macros.insert(id.to_string());
                }
                _ => {}
            },
            TokenTree::Group(g) => scan_tokens(g.stream(), called, macros),
            _ => {}
        }
    }
}
