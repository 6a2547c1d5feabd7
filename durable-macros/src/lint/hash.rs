//! Iteration over a `HashMap`/`HashSet` whose type is visible in the function. The order is
//! random per process, so iteration is nondeterministic *when the order matters*: the lint
//! accepts iteration whose result cannot depend on it (a sum, a count, a lookup set, a vector
//! sorted before use, a loop that only accumulates) and rejects the rest.

use std::collections::HashSet;
use syn::visit::{self, Visit};
use syn::{BinOp, Block, Expr, ExprMethodCall, Stmt};

/// Methods that start iterating a hash collection.
const ITERATE: &[&str] = &[
    "iter",
    "iter_mut",
    "keys",
    "values",
    "values_mut",
    "into_iter",
    "drain",
    "into_keys",
    "into_values",
    "par_iter",
    "difference",
    "intersection",
    "union",
    "symmetric_difference",
    "retain",
];

/// Methods that may come before iterating without changing the collection's order.
const TRANSPARENT: &[&str] = &[
    "clone", "to_owned", "borrow", "as_ref", "lock", "unwrap", "read", "write",
];

/// Terminal methods whose result does not depend on the order of the items (`max_by_key`
/// does: of two equal keys it keeps the one met last).
const ORDER_FREE: &[&str] = &[
    "sum", "product", "count", "max", "min", "any", "all", "is_empty", "len", "contains",
];

/// Adaptors that make the order deterministic (itertools).
const SORTING: &[&str] = &[
    "sorted",
    "sorted_by",
    "sorted_by_key",
    "sorted_unstable",
    "sorted_unstable_by",
    "sorted_unstable_by_key",
    "sorted_by_cached_key",
];

/// Collection types that do not keep the order they were filled in (or sort it).
const ORDER_FREE_COLLECTIONS: &[&str] = &["HashMap", "HashSet", "BTreeMap", "BTreeSet", "BinaryHeap"];

/// Who consumes an iteration.
pub(crate) enum Consumer<'a> {
    /// `let name[: ty] = <iteration>;`
    Let {
        name: Option<String>,
        ty: Option<&'a syn::Type>,
    },
    /// `for .. in <iteration> { body }`
    For(&'a Block),
    /// Anything else (an argument, a return value, an operand).
    Unknown,
}

/// An iteration over a hash collection: the collection's name and the method calls of the
/// chain, outermost first.
pub(crate) struct Iteration<'e> {
    pub(crate) collection: String,
    pub(crate) calls: Vec<&'e ExprMethodCall>,
}

/// Whether `expr` iterates a hash collection known to `names` (`for .. in &m` counts only
/// with a `For` consumer).
pub(crate) fn iteration<'e>(
    is_hash: &dyn Fn(&Expr) -> bool,
    expr: &'e Expr,
    for_loop: bool,
) -> Option<Iteration<'e>> {
    // Down the chain to the outermost value that is a hash collection: a variable, a field,
    // a call, or a step of the chain itself (`.collect::<HashSet<_>>().into_iter()`).
    let mut calls = Vec::new();
    let mut cur = expr;
    loop {
        if matches!(
            cur,
            Expr::Path(_) | Expr::Field(_) | Expr::Call(_) | Expr::MethodCall(_)
        ) && is_hash(cur)
        {
            break;
        }
        match cur {
            Expr::MethodCall(m) => {
                calls.push(m);
                cur = &m.receiver;
            }
            Expr::Reference(r) => cur = &r.expr,
            Expr::Paren(p) => cur = &p.expr,
            Expr::Try(t) => cur = &t.expr,
            _ => return None,
        }
    }
    let collection = quote::quote!(#cur)
        .to_string()
        .replace(" . ", ".")
        .replace(' ', "");
    // From the collection outwards: transparent calls, then one iterating call.
    let mut inner = calls
        .iter()
        .rev()
        .skip_while(|m| TRANSPARENT.contains(&m.method.to_string().as_str()));
    match inner.next() {
        Some(m) if ITERATE.contains(&m.method.to_string().as_str()) => {}
        None if for_loop => {}
        _ => return None,
    }
    Some(Iteration { collection, calls })
}

/// Whether the result of an iteration can depend on the order of the items.
pub(crate) fn order_matters(it: &Iteration<'_>, consumer: &Consumer<'_>, sorted: &HashSet<String>) -> bool {
    let methods: Vec<String> = it.calls.iter().map(|m| m.method.to_string()).collect();
    if methods.iter().any(|m| SORTING.contains(&m.as_str())) {
        return false;
    }
    // Floating-point addition is not associative: a sum of `f64`s in hash order can differ in
    // its last bits from one process to the next (`let total: f64 = m.values().sum();`).
    let float = |t: Option<String>| t.is_some_and(|t| t == "f64" || t == "f32");
    let let_ty = match consumer {
        Consumer::Let { ty: Some(ty), .. } => super::type_last_ident(ty),
        _ => None,
    };
    if it.calls.iter().any(|m| {
        matches!(m.method.to_string().as_str(), "sum" | "product")
            && (float(turbofish_type(m)) || (float(let_ty.clone()) && std::ptr::eq(*m, it.calls[0])))
    }) {
        return true;
    }
    // A terminal that consumes the iteration into an order-free value; what follows works on
    // that value (`.values().copied().max().unwrap_or(0)`).
    if methods.iter().any(|m| ORDER_FREE.contains(&m.as_str())) {
        return false;
    }
    // `min_by_key(|(name, n)| (*n, name.clone()))`: a key that includes the entry's own
    // (unique) key orders the entries totally, so ties cannot fall to iteration order.
    let iterates_values = methods
        .iter()
        .any(|m| matches!(m.as_str(), "values" | "values_mut" | "into_values"));
    if it.calls.iter().any(|m| {
        matches!(m.method.to_string().as_str(), "min_by_key" | "max_by_key")
            && matches!(m.args.first(), Some(Expr::Closure(c)) if total_key(c, iterates_values))
    }) {
        return false;
    }
    match methods.first().map(String::as_str) {
        // What stays is order-free; what the predicate does on the way (records evictions,
        // sends them) happens in hash order.
        Some("retain") if methods.len() == 1 => {
            return it.calls[0].args.first().is_some_and(records_in_order);
        }
        Some("collect") => {
            if let Some(target) = turbofish_type(it.calls[0]) {
                return !ORDER_FREE_COLLECTIONS.contains(&target.as_str());
            }
        }
        Some("for_each") => {
            return match it.calls[0].args.first() {
                Some(Expr::Closure(c)) => !accumulates_only_expr(&c.body),
                _ => true,
            };
        }
        _ => {}
    }
    match consumer {
        Consumer::For(body) => !accumulates_only(body),
        Consumer::Let { name, ty } => {
            let collected = methods
                .first()
                .is_some_and(|m| m == "collect" || methods.len() == 1);
            if !collected {
                return true;
            }
            if let Some(ty) = ty {
                if let Some(t) = super::type_last_ident(ty) {
                    if ORDER_FREE_COLLECTIONS.contains(&t.as_str()) {
                        return false;
                    }
                }
            }
            !name.as_ref().is_some_and(|n| sorted.contains(n))
        }
        Consumer::Unknown => true,
    }
}

/// Whether a `min_by_key`/`max_by_key` closure's key contains the whole entry key: `|(k, v)|
/// (.., k)` over a map's entries, or `|x| (.., x)` over keys or a set's items.
fn total_key(closure: &syn::ExprClosure, iterates_values: bool) -> bool {
    fn ident_of(pat: &syn::Pat) -> Option<String> {
        match pat {
            syn::Pat::Ident(i) => Some(i.ident.to_string()),
            syn::Pat::Reference(r) => ident_of(&r.pat),
            syn::Pat::Paren(p) => ident_of(&p.pat),
            _ => None,
        }
    }
    let key = match closure.inputs.first() {
        Some(syn::Pat::Tuple(t)) => t.elems.first().and_then(ident_of),
        Some(syn::Pat::Reference(r)) if matches!(&*r.pat, syn::Pat::Tuple(_)) => match &*r.pat {
            syn::Pat::Tuple(t) => t.elems.first().and_then(ident_of),
            _ => None,
        },
        Some(p) if !iterates_values => ident_of(p),
        _ => None,
    };
    let Some(key) = key else { return false };
    fn is_the_key(expr: &Expr, key: &str) -> bool {
        match expr {
            Expr::Path(p) => p.path.is_ident(key),
            Expr::Unary(u) => is_the_key(&u.expr, key),
            Expr::Reference(r) => is_the_key(&r.expr, key),
            Expr::Paren(p) => is_the_key(&p.expr, key),
            Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "clone" | "to_owned" | "to_string" | "as_str"
                    ) =>
            {
                is_the_key(&m.receiver, key)
            }
            Expr::Tuple(t) => t.elems.iter().any(|e| is_the_key(e, key)),
            _ => false,
        }
    }
    is_the_key(&closure.body, &key)
}

fn turbofish_type(call: &ExprMethodCall) -> Option<String> {
    let args = call.turbofish.as_ref()?;
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => super::type_last_ident(ty),
        _ => None,
    }
}

/// Whether a loop body only accumulates (sums, counts, inserts into a map or set, logs), so
/// the order of its iterations cannot change the outcome.
pub(crate) fn accumulates_only(body: &Block) -> bool {
    body.stmts.iter().all(|stmt| match stmt {
        Stmt::Local(local) => local
            .init
            .as_ref()
            .is_none_or(|init| !has_order_effect(&init.expr)),
        Stmt::Item(_) => true,
        Stmt::Expr(e, _) => accumulates_only_expr(e),
        Stmt::Macro(m) => is_logging(&m.mac),
    })
}

fn accumulates_only_expr(expr: &Expr) -> bool {
    match expr {
        Expr::Block(b) => accumulates_only(&b.block),
        Expr::Async(_) => false,
        Expr::If(i) => {
            !has_order_effect(&i.cond)
                && accumulates_only(&i.then_branch)
                && i.else_branch
                    .as_ref()
                    .is_none_or(|(_, e)| accumulates_only_expr(e))
        }
        Expr::Binary(b) if is_compound_assign(&b.op) => !has_order_effect(&b.right),
        // `best = best.max(x)`
        Expr::Assign(a) => matches!(&*a.right, Expr::MethodCall(m) if m.method == "max" || m.method == "min"),
        Expr::MethodCall(m) => {
            matches!(
                m.method.to_string().as_str(),
                "insert" | "remove" | "or_insert" | "or_default" | "and_modify"
            ) && !m.args.iter().any(has_order_effect)
        }
        Expr::Macro(m) => is_logging(&m.mac),
        Expr::Match(m) => m.arms.iter().all(|arm| accumulates_only_expr(&arm.body)),
        Expr::Closure(c) => accumulates_only_expr(&c.body),
        Expr::Tuple(t) => t.elems.is_empty(),
        Expr::Paren(p) => accumulates_only_expr(&p.expr),
        _ => false,
    }
}

/// Whether `expr` appends to something in the order it runs (`evicted.push(id)`,
/// `tx.send(x)`).
fn records_in_order(expr: &Expr) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr_method_call(&mut self, m: &'ast ExprMethodCall) {
            if matches!(
                m.method.to_string().as_str(),
                "push" | "push_back" | "push_front" | "push_str" | "extend" | "append" | "send" | "try_send"
            ) {
                self.0 = true;
            }
            visit::visit_expr_method_call(self, m);
        }
    }
    let mut f = Finder(false);
    f.visit_expr(expr);
    f.0
}

fn is_compound_assign(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitXorAssign(_)
    )
}

fn is_logging(mac: &syn::Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "println"
                | "eprintln"
                | "print"
                | "eprint"
                | "info"
                | "debug"
                | "warn"
                | "error"
                | "trace"
                | "event"
        )
    })
}

/// Whether evaluating `expr` can make an iteration's outcome depend on the order: awaiting,
/// leaving early, pushing, writing.
fn has_order_effect(expr: &Expr) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Await(_) | Expr::Return(_) | Expr::Break(_) | Expr::Try(_) | Expr::Yield(_) => {
                    self.0 = true
                }
                Expr::MethodCall(m)
                    if matches!(
                        m.method.to_string().as_str(),
                        "push"
                            | "push_str"
                            | "push_back"
                            | "push_front"
                            | "extend"
                            | "append"
                            | "write_str"
                            | "write_fmt"
                            | "send"
                    ) =>
                {
                    self.0 = true
                }
                Expr::Macro(m) if !is_logging(&m.mac) && !m.mac.path.is_ident("format") => self.0 = true,
                _ => visit::visit_expr(self, e),
            }
        }
    }
    let mut f = Finder(false);
    f.visit_expr(expr);
    f.0
}
