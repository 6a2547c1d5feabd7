//! Completion order: futures run side by side that each push into one shared collection
//! after awaiting a durable operation (`results.lock().unwrap().push(r)` in each of the
//! futures handed to `join_all`). The collection's order is the order the operations
//! finished in; on replay, recorded operations finish at once, in creation order.

use std::collections::HashSet;
use syn::visit::Visit;
use syn::{Block, Expr, ExprMethodCall};

/// Methods that add to a collection at its end (an order others can observe).
const APPENDS: &[&str] = &["push", "push_back", "push_front", "push_str", "extend", "append"];

/// Methods that hand out the inside of a shared cell.
const GUARDS: &[&str] = &["lock", "write", "borrow_mut", "get_mut", "try_lock"];

/// The appends in `block` (an `async` block) to a collection shared with code outside it,
/// made after the block has awaited something, with the shared variable's name.
pub(super) fn shared_appends_after_await(block: &Block) -> Vec<(&ExprMethodCall, String)> {
    let mut found = Vec::new();
    let mut locals = HashSet::new();
    let mut awaited = false;
    for stmt in &block.stmts {
        if let syn::Stmt::Local(local) = stmt {
            collect_bindings(&local.pat, &mut locals);
        }
        if awaited {
            let mut finder = Appends {
                locals: &locals,
                found: Vec::new(),
            };
            finder.visit_stmt(stmt);
            found.extend(finder.found);
        }
        awaited = awaited || contains_await(stmt);
    }
    found
}

fn collect_bindings(pat: &syn::Pat, out: &mut HashSet<String>) {
    struct Idents<'o>(&'o mut HashSet<String>);
    impl<'ast> Visit<'ast> for Idents<'_> {
        fn visit_pat_ident(&mut self, i: &'ast syn::PatIdent) {
            self.0.insert(i.ident.to_string());
        }
    }
    Idents(out).visit_pat(pat);
}

fn contains_await(stmt: &syn::Stmt) -> bool {
    struct Awaits(bool);
    impl<'ast> Visit<'ast> for Awaits {
        fn visit_expr_await(&mut self, _: &'ast syn::ExprAwait) {
            self.0 = true;
        }
        // A nested future's awaits are its own.
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    let mut a = Awaits(false);
    a.visit_stmt(stmt);
    a.0
}

struct Appends<'b, 'l> {
    locals: &'l HashSet<String>,
    found: Vec<(&'b ExprMethodCall, String)>,
}

impl<'b> Visit<'b> for Appends<'b, '_> {
    fn visit_expr_method_call(&mut self, call: &'b ExprMethodCall) {
        if APPENDS.contains(&call.method.to_string().as_str()) {
            if let Some(shared) = guarded_root(&call.receiver) {
                if !self.locals.contains(&shared) {
                    self.found.push((call, shared));
                }
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
    fn visit_expr_async(&mut self, _: &'b syn::ExprAsync) {}
    fn visit_expr_closure(&mut self, _: &'b syn::ExprClosure) {}
}

/// `shared.lock().unwrap()` (through `?`, `unwrap`, `expect`, `map_err`): `shared`.
fn guarded_root(expr: &Expr) -> Option<String> {
    let mut cur = expr;
    let mut guarded = false;
    loop {
        match cur {
            Expr::Try(t) => cur = &t.expr,
            Expr::Paren(p) => cur = &p.expr,
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                if GUARDS.contains(&method.as_str()) {
                    guarded = true;
                } else if !matches!(
                    method.as_str(),
                    "unwrap" | "expect" | "map_err" | "unwrap_or_else"
                ) {
                    return None;
                }
                cur = &m.receiver;
            }
            Expr::Path(p) if guarded => return p.path.get_ident().map(ToString::to_string),
            Expr::Field(f) if guarded => {
                // `self.results.lock()`, `state.log.lock()`: the root variable.
                let mut base = &*f.base;
                while let Expr::Field(inner) = base {
                    base = &inner.base;
                }
                let Expr::Path(p) = base else { return None };
                return p.path.get_ident().map(ToString::to_string);
            }
            _ => return None,
        }
    }
}
