//! Check phase, part 1: the determinism lint. Walks a workflow body outside the code the SDK
//! runs as a step (or outside replay), and rejects what makes a replay take another path:
//! calls to known sources of nondeterminism (resolved through the body's own `use` items,
//! shadowed by its locals), methods that are nondeterministic on any realistic receiver,
//! iteration over a hash collection whose type it can see, global mutable state, memory
//! addresses, and the same inside macro arguments and in nested fns and `macro_rules!` the
//! body uses. It also strips the `#[durable::allow_nondeterministic(reason = "..")]` escape
//! hatch, scopes the recommended clippy lints (allowed in step bodies), flags durable
//! operations nested in step bodies, and collects the operations for the docs and the
//! duplicate-name check.
//!
//! What it knows of the rest of the workflow's file (`file`): imports and aliases, helper fns
//! and impls (linted where the body runs them), field, static and alias types, static
//! initializers, and `macro_rules!` (expanded where invoked, `rules_expand`). It cannot see
//! other files and crates, nor types it is not told: the clippy layer and the test runner's
//! replay check cover those.

mod completion;
#[cfg(test)]
mod corpus;
mod file;
mod hash;
mod macros;
mod names;
mod ops;
mod prepass;
pub(crate) mod rules;
mod rules_expand;
#[cfg(test)]
mod tests;
mod text;

use crate::ctxt::Ctxt;
pub(crate) use file::FileContext;
use names::{Binding, Names, Resolved, ValueFacts};
pub(crate) use ops::{Frame, Naming, Operation};
use rules::Category;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Block, Expr, Item, Stmt};
pub(crate) use text::tidy;

/// The attribute that allows one statement, expression or block.
const ESCAPE: &str = "allow_nondeterministic";

/// The clippy lints of the recommended configuration (`durable-macros/recommended-clippy.toml`):
/// turned on in workflow bodies, allowed in what runs as a step.
pub(crate) fn clippy_lints() -> proc_macro2::TokenStream {
    quote::quote!(
        clippy::disallowed_methods,
        clippy::disallowed_types,
        clippy::iter_over_hash_type
    )
}

fn allow_clippy() -> Attribute {
    let lints = clippy_lints();
    syn::parse_quote!(#[allow(#lints)])
}

/// The clippy layer's `allow` where a *later* statement decides whether it applies (a binding
/// later handed to a step, a nested fn the body calls further down): on (`cfg_attr(all(), ..)`)
/// or off (`cfg_attr(any(), ..)`), the same tokens either way. rust-analyzer completes inside
/// a macro by expanding it again with a marker typed at the cursor, and maps the cursor by
/// its offset in the expansion; what comes before the cursor must not change when the text
/// after it does.
fn allow_clippy_if(on: bool) -> Attribute {
    let lints = clippy_lints();
    if on {
        syn::parse_quote!(#[cfg_attr(all(), allow(#lints))])
    } else {
        syn::parse_quote!(#[cfg_attr(any(), allow(#lints))])
    }
}

/// Lints a workflow body in place. Returns the operations it found, in source order. `file`
/// is what the macro could read of the file the workflow is in.
pub(crate) fn lint_workflow(
    cx: &Ctxt,
    sig: &syn::Signature,
    body: &mut Block,
    file: Option<Rc<FileContext>>,
) -> Vec<Operation> {
    let (aliases, own) = file.as_ref().map(|f| f.hash_aliases()).unwrap_or_default();
    names::set_hash_aliases(aliases, own);
    let mut linter = Linter::new(cx, body, file, None, HashSet::new(), 0);
    for (i, input) in sig.inputs.iter().enumerate() {
        if let syn::FnArg::Typed(pt) = input {
            let facts = ValueFacts {
                ctx: i == 0,
                ..ValueFacts::default()
            };
            linter.names.bind_pat(&syn::Pat::Type(pt.clone()), facts);
            if i == 1 {
                linter.check_input_deserialization(&pt.ty);
            }
        }
    }
    linter.visit_block_mut(body);
    linter.ops
}

/// Something nondeterministic found in a helper: what it is, and through which helpers.
struct Finding {
    written: String,
    category: Category,
}

/// The last identifier of a type's path (`HashMap` for `&std::collections::HashMap<K, V>`).
pub(crate) fn type_last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => type_last_ident(&r.elem),
        syn::Type::Paren(p) => type_last_ident(&p.elem),
        syn::Type::Group(g) => type_last_ident(&g.elem),
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `**l`, `&x`: the value underneath (for the type an operator works on).
fn strip_derefs(expr: &Expr) -> &Expr {
    match expr {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => strip_derefs(&u.expr),
        Expr::Reference(r) => strip_derefs(&r.expr),
        Expr::Paren(p) => strip_derefs(&p.expr),
        other => other,
    }
}

/// The generic type arguments of a type's last segment (`[K, V]` for `HashMap<K, V>`).
fn type_args(ty: &syn::Type) -> Vec<syn::Type> {
    match ty {
        syn::Type::Reference(r) => type_args(&r.elem),
        syn::Type::Path(p) => match p.path.segments.last().map(|s| &s.arguments) {
            Some(syn::PathArguments::AngleBracketed(a)) => a
                .args
                .iter()
                .filter_map(|g| match g {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Every type name a type mentions (`Vec<Option<Line>>` → `Vec`, `Option`, `Line`).
fn type_idents(ty: &syn::Type) -> Vec<String> {
    let mut out: Vec<String> = type_last_ident(ty).into_iter().collect();
    for arg in type_args(ty) {
        out.extend(type_idents(&arg));
    }
    out
}

struct Linter<'a> {
    cx: &'a Ctxt,
    file: Option<Rc<FileContext>>,
    /// Inside a helper's body: findings are collected here and reported at the call.
    sink: Option<RefCell<Vec<Finding>>>,
    /// Helpers being linted (the chain from the workflow body), to stop on recursion.
    visiting: HashSet<String>,
    depth: usize,
    /// What each helper was found to do, shared by the whole walk (a helper called from many
    /// places, or from other helpers, is linted once).
    memo: Rc<RefCell<HashMap<String, Option<Finding>>>>,
    names: Names,
    facts: prepass::Facts,
    /// > 0 inside code the SDK runs as a step or outside replay.
    in_step: usize,
    /// > 0 inside an escape hatch.
    allowed: usize,
    /// Method-call chains already judged for hash iteration (by address).
    judged: HashSet<usize>,
    /// Callee paths of the calls being visited (by address) → the call's closing parenthesis:
    /// an error on a callee covers the whole call.
    callees: HashMap<usize, proc_macro2::Span>,
    /// `macro_rules!` declared in the body: name → definition.
    local_macros: HashMap<String, proc_macro2::TokenStream>,
    linted_macros: HashSet<String>,
    scopes: Vec<usize>,
    next_scope: usize,
    branches: Vec<(usize, usize)>,
    next_branch: usize,
    /// Labels of the enclosing child contexts.
    parents: Vec<String>,
    /// > 0 inside a loop body.
    loops: usize,
    next_loop: usize,
    next_lane: usize,
    next_helper: usize,
    /// The structure around the current point (arms, loops, child contexts, helpers).
    frames: Vec<Frame>,
    /// In a helper's walk: the index its first operation gets in the workflow's list.
    op_base: usize,
    /// The saga steps seen so far, for `saga.compensate()`.
    saga_steps: Vec<String>,
    /// `const`s declared in the body: their string value, when they have one.
    local_consts: HashMap<String, Option<String>>,
    /// Fns declared in the body.
    local_fns: ops::LocalFns,
    ops: Vec<Operation>,
    /// In a helper that is a method or associated fn: the type `Self` names.
    self_ty: Option<String>,
    /// The `for` loop being visited as a statement (by address): attributes may go on it.
    statement_loop: usize,
    /// In a helper declared in an inline module: that module's path (bare names resolve there).
    module: Vec<String>,
    /// Greater than 0 inside the arguments of something that runs futures side by side
    /// (`join!`, `join_all(..)`): an `async fn` helper called there runs concurrently.
    concurrent: usize,
}

/// `Default::default()` (the type comes from the context).
fn is_default_call(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else { return false };
    let Expr::Path(p) = &*call.func else { return false };
    call.args.is_empty() && path_string(&p.path).ends_with(&["Default".to_owned(), "default".to_owned()])
}

fn addr<T>(node: &T) -> usize {
    node as *const T as usize
}

fn is_screaming(name: &str) -> bool {
    name.len() >= 2
        && name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn path_string(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// Tokens spanning `path`, or the whole call when `path` is the callee of a call being
/// visited (`std::time::SystemTime::now()`, not only its path).
fn path_or_call(path: &syn::Path, close: Option<proc_macro2::Span>) -> proc_macro2::TokenStream {
    match close {
        Some(close) => {
            let close = proc_macro2::Ident::new("x", close);
            quote::quote!(#path #close)
        }
        None => quote::quote!(#path),
    }
}

/// Tokens spanning a method call from its name to its closing parenthesis.
fn method_span(call: &syn::ExprMethodCall) -> proc_macro2::TokenStream {
    let close = proc_macro2::Ident::new("x", call.paren_token.span.close());
    let method = &call.method;
    quote::quote!(#method #close)
}

impl<'a> Linter<'a> {
    fn new(
        cx: &'a Ctxt,
        body: &Block,
        file: Option<Rc<FileContext>>,
        sink: Option<RefCell<Vec<Finding>>>,
        visiting: HashSet<String>,
        depth: usize,
    ) -> Self {
        let mut names = Names::new();
        let mut local_macros = HashMap::new();
        if let Some(file) = &file {
            // The file's items first, then its `use` items: both visible in the whole body.
            for name in &file.items {
                names.bind(
                    name.clone(),
                    Binding::Item {
                        interior_mutable: false,
                    },
                );
            }
            for (name, interior_mutable) in &file.statics {
                names.bind(
                    name.clone(),
                    Binding::Item {
                        interior_mutable: *interior_mutable,
                    },
                );
            }
            for u in &file.uses {
                names.bind_use(&u.tree, &mut Vec::new());
            }
            local_macros.extend(file.macros.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        names.push();
        Linter {
            cx,
            file,
            sink,
            visiting,
            depth,
            memo: Rc::default(),
            names,
            facts: prepass::collect(body),
            in_step: 0,
            allowed: 0,
            judged: HashSet::new(),
            callees: HashMap::new(),
            local_macros,
            linted_macros: HashSet::new(),
            scopes: vec![0],
            next_scope: 1,
            branches: Vec::new(),
            next_branch: 0,
            parents: Vec::new(),
            loops: 0,
            next_loop: 0,
            next_lane: 0,
            next_helper: 0,
            frames: Vec::new(),
            op_base: 0,
            saga_steps: Vec::new(),
            local_consts: HashMap::new(),
            local_fns: HashMap::new(),
            ops: Vec::new(),
            self_ty: None,
            statement_loop: 0,
            module: Vec::new(),
            concurrent: 0,
        }
    }

    fn linting(&self) -> bool {
        self.in_step == 0 && self.allowed == 0
    }

    fn report(&self, node: impl quote::ToTokens, written: &str, category: Category) {
        if !self.linting() {
            return;
        }
        if let Some(sink) = &self.sink {
            sink.borrow_mut().push(Finding {
                written: written.to_owned(),
                category,
            });
            return;
        }
        self.cx.error_spanned_by(
            node,
            format!(
                "`{written}` is nondeterministic in a workflow body: it {}; {} \
                 (or, if this is safe, mark the statement `#[durable::allow_nondeterministic(reason = \"..\")]`)",
                category.why(),
                category.fix()
            ),
        );
    }

    /// Lints a helper (a fn or method of this file) the body runs outside a step, and reports
    /// what it finds at the call: `helper()` → `std::fs::write`.
    fn check_helper(
        &self,
        node: impl quote::ToTokens,
        label: &str,
        self_ty: Option<&str>,
        inputs: &Punctuated<syn::FnArg, syn::Token![,]>,
        block: &Block,
    ) {
        if !self.linting() || self.depth >= 6 || self.visiting.contains(label) {
            return;
        }
        let memoized = self
            .memo
            .borrow()
            .get(label)
            .map(|f| f.as_ref().map(|f| (f.written.clone(), f.category)));
        if let Some(found) = memoized {
            if let Some((written, category)) = found {
                self.report(node, &format!("{label}` → `{written}"), category);
            }
            return;
        }
        let mut visiting = self.visiting.clone();
        visiting.insert(label.to_owned());
        let mut block = block.clone();
        let mut sub = Linter::new(
            self.cx,
            &block,
            self.file.clone(),
            Some(RefCell::new(Vec::new())),
            visiting,
            self.depth + 1,
        );
        sub.self_ty = self_ty.map(str::to_owned);
        // `deploy::function()` runs in module `deploy`: its bare `region()` is `deploy::region`.
        let mut path: Vec<String> = label
            .trim_end_matches("()")
            .split("::")
            .map(str::to_owned)
            .collect();
        path.pop();
        sub.module = path;
        for input in inputs {
            match input {
                syn::FnArg::Typed(pt) => sub
                    .names
                    .bind_pat(&syn::Pat::Type(pt.clone()), ValueFacts::default()),
                syn::FnArg::Receiver(_) => sub.names.bind(
                    "self".to_owned(),
                    Binding::Value(ValueFacts {
                        ty: self_ty.map(Into::into),
                        // A method of a trait implemented for `HashMap<..>` iterates a map.
                        hash: self_ty.is_some_and(names::is_hash_name),
                        ..ValueFacts::default()
                    }),
                ),
            }
        }
        sub.visit_block_mut(&mut block);
        let findings = sub.sink.take().map(RefCell::into_inner).unwrap_or_default();
        let Some(first) = findings.into_iter().next() else {
            return;
        };
        let written = format!("{label}` → `{}", first.written);
        self.report(node, &written, first.category);
    }

    /// A call of a fn or associated fn declared in this file (`helper(..)`, `metrics::next()`,
    /// `Meta::default()`).
    /// The file this workflow is in and the path of the fn `call` calls, as the file names it
    /// (`crate::`/`self::`/`super::` dropped), when the path is the user's own, not a crate's.
    fn local_call_path(&self, call: &syn::ExprCall) -> Option<(&FileContext, Vec<String>)> {
        let (Some(file), Expr::Path(p)) = (&self.file, &*call.func) else {
            return None;
        };
        let written = path_string(&p.path);
        let (local, imported) = match self.names.resolve(&written, p.path.leading_colon.is_some()) {
            Resolved::Local => (true, None),
            // `use grading::band;` then `band(..)`: the file's `grading::band`.
            Resolved::Rooted(full) | Resolved::Floating(full) => match file.canonical_fn(&full) {
                Some(path) => (true, Some(path)),
                None => (false, None),
            },
        };
        let segs = imported.unwrap_or_else(|| self.own_segments(&written));
        if !local && self.in_module(file, &segs).is_none() {
            return None;
        }
        Some((file, segs))
    }

    /// `charge(card).await` on a `#[step]` fn: calling it only builds the step.
    fn check_awaited_step_fn(&self, awaited: &syn::ExprAwait) {
        let Expr::Call(call) = &*awaited.base else {
            return;
        };
        let Some((file, segs)) = self.local_call_path(call) else {
            return;
        };
        if file.step_fns.contains(&segs) {
            let name = segs.join("::");
            self.cx.error_spanned_by(
                awaited,
                format!(
                    "`{name}` is a `#[step]` fn: calling it builds the step, it does not run it; run it as a \
                     durable step with `ctx.run({name}(..)).await`"
                ),
            );
        }
    }

    fn check_helper_call(&self, call: &syn::ExprCall) {
        self.check_from_call(call);
        let Some((_, segs)) = self.local_call_path(call) else {
            return;
        };
        self.check_helper_at(call, segs);
    }

    /// A call of `written` (a path the body's names say is the user's own) found in tokens
    /// that do not parse as an expression.
    fn check_helper_path(&self, node: proc_macro2::TokenStream, written: &[String]) {
        self.check_helper_at(node, self.own_segments(written));
    }

    /// A path the user's code wrote, as the file names the item: `crate::`/`self::`/`super::`
    /// dropped, and `Self` (in a method) replaced by the impl's type.
    fn own_segments(&self, written: &[String]) -> Vec<String> {
        let mut segs: Vec<String> = written
            .iter()
            .skip_while(|s| *s == "crate" || *s == "self" || *s == "super")
            .cloned()
            .collect();
        if let (Some(first), Some(ty)) = (segs.first_mut(), &self.self_ty) {
            if first == "Self" {
                first.clone_from(ty);
            }
        }
        segs
    }

    /// `segs` inside the inline module of the helper being linted, if the file declares a fn
    /// there (`deploy::function()` calling its bare `region()`).
    fn in_module(&self, file: &FileContext, segs: &[String]) -> Option<Vec<String>> {
        if self.module.is_empty() {
            return None;
        }
        let mut path = self.module.clone();
        path.extend(segs.iter().cloned());
        if file.step_fns.contains(&path) {
            return Some(path);
        }
        file.canonical_fn(&path)
    }

    /// Lints the file's fn or associated fn at `segs` (as the body names it), if there is one;
    /// a bare name inside a helper of an inline module is first looked up in that module.
    fn check_helper_at(&self, node: impl quote::ToTokens, segs: Vec<String>) {
        let Some(file) = &self.file else { return };
        let segs = self.in_module(file, &segs).unwrap_or(segs);
        let segs = file.canonical_fn(&segs).unwrap_or(segs);
        let call = node;
        if file.step_fns.contains(&segs) {
            return; // `ctx.run(charge(..))` builds a step; its body runs as the step.
        }
        if let Some(f) = file.fns.get(&segs) {
            let label = format!("{}()", segs.join("::"));
            if self.concurrent > 0 && f.sig.asyncness.is_some() && self.linting() {
                // Run side by side with its siblings: what it appends to a collection it was
                // handed, after awaiting, lands in completion order.
                let call = call.to_token_stream();
                for (append, shared) in completion::shared_appends_after_await(&f.block) {
                    let written = format!("{label}` → `{shared}.lock()….{}(..)", append.method);
                    self.report(call.clone(), &written, Category::CompletionOrder);
                }
            }
            self.check_helper(call, &label, None, &f.sig.inputs, &f.block);
        } else if let [ty, method] = segs.as_slice() {
            // `type Picker = Sampler<3>;` then `Picker::draw(..)`: `Sampler`'s.
            let ty = &file
                .type_aliases
                .get(ty)
                .and_then(type_last_ident)
                .filter(|target| !file.methods.contains_key(&(ty.clone(), method.clone())) && target != ty)
                .unwrap_or_else(|| ty.clone());
            let call = call.to_token_stream();
            if !self.check_impl_method(call.clone(), ty, method) && method == "default" {
                self.check_default_of(call, ty);
            }
        }
    }

    /// `Vec::from(&order)`, `Lines::try_from(order)`, `From::from(order)`: the file's
    /// `impl From<Order> for ..` runs, whatever the target type.
    fn check_from_call(&self, call: &syn::ExprCall) {
        let (Some(file), Expr::Path(p), 1) = (&self.file, &*call.func, call.args.len()) else {
            return;
        };
        let segs = path_string(&p.path);
        if !matches!(segs.last().map(String::as_str), Some("from" | "try_from")) {
            return;
        }
        let Some(source) = call.args.first().and_then(|a| self.type_of(a)) else {
            return;
        };
        for f in file.from_impls.get(&source).into_iter().flatten() {
            let label = format!("From<{source}>::{}()", f.sig.ident);
            self.check_helper(call, &label, None, &f.sig.inputs, &f.block);
        }
    }

    /// `Type { .., ..Default::default() }` and `let t: Type = Default::default()`: the file's
    /// `impl Default for Type` runs.
    /// Lints the file's method `ty::method` (an impl the body runs without naming it), if the
    /// file has one; returns whether it has.
    fn check_impl_method(&self, node: impl quote::ToTokens, ty: &str, method: &str) -> bool {
        let Some(f) = self
            .file
            .as_ref()
            .and_then(|file| file.methods.get(&(ty.to_owned(), method.to_owned())))
        else {
            return false;
        };
        let label = format!("{ty}::{method}()");
        self.check_helper(node, &label, Some(ty), &f.sig.inputs, &f.block);
        true
    }

    fn check_default_of(&self, node: impl quote::ToTokens, ty: &str) {
        let node = node.to_token_stream();
        let Some(file) = &self.file else { return };
        if !self.check_impl_method(node.clone(), ty, "default")
            && file.derives_default.contains(ty)
            && self.depth < 6
        {
            // `#[derive(Default)]`: each field's `Default` runs (a field type of this file
            // may have a hand-written one).
            let mut fields: Vec<String> = file
                .fields
                .iter()
                .filter(|((owner, _), _)| owner == ty)
                .filter_map(|(_, field_ty)| type_last_ident(field_ty))
                .filter(|t| t != ty)
                .collect();
            fields.sort();
            fields.dedup();
            for field_ty in fields {
                self.check_default_of(node.clone(), &field_ty);
            }
        }
    }

    /// A value of type `ty` formatted into text: the file's `impl Display for ty` runs.
    fn check_display(&self, node: impl quote::ToTokens, ty: &str) {
        self.check_impl_method(node, ty, "fmt");
    }

    /// The workflow input is deserialized on every invocation: the `#[serde(default ..)]`,
    /// `deserialize_with` and `with` hooks of its type (and of the file's types among its
    /// fields) run on every replay. Reported at the input's type.
    fn check_input_deserialization(&self, input_ty: &syn::Type) {
        let Some(file) = self.file.clone() else { return };
        let mut pending: Vec<String> = type_last_ident(input_ty).into_iter().collect();
        let mut seen = HashSet::new();
        while let Some(ty) = pending.pop() {
            if !seen.insert(ty.clone()) || seen.len() > 16 {
                continue;
            }
            for hook in file.serde_hooks.get(&ty).into_iter().flatten() {
                match hook {
                    file::SerdeHook::DefaultOf(of) => self.check_default_of(input_ty, of),
                    file::SerdeHook::Fn(segs) => self.check_helper_at(input_ty, segs.clone()),
                }
            }
            // Fields whose types the file declares: deserialized with the input.
            pending.extend(
                file.fields
                    .iter()
                    .filter(|((owner, _), _)| *owner == ty)
                    .flat_map(|(_, field_ty)| type_idents(field_ty))
                    .filter(|t| file.serde_hooks.contains_key(t) || file.fields.keys().any(|(o, _)| o == t)),
            );
        }
    }

    /// `opt.unwrap_or_default()`, `map.entry(k).or_default()`: the `Default` of the wrapped
    /// type runs (the file's impl, when the type is the file's).
    fn check_wrapped_default(&self, call: &syn::ExprMethodCall, method: &str) {
        let defaults = match method {
            "unwrap_or_default" | "or_default" | "get_or_insert_default" => true,
            "unwrap_or_else" | "or_insert_with" | "get_or_insert_with" => call.args.first().is_some_and(|a| {
                matches!(a, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "default"))
            }),
            _ => false,
        };
        if !defaults || !self.linting() {
            return;
        }
        if let Some(ty) = self.wrapped_type_of(&call.receiver) {
            self.check_default_of(method_span(call), &ty);
        }
    }

    /// The type an `Option`/`Result` (or a map entry) wraps, for a field of the file's structs:
    /// `input.params` of type `Option<Params>` → `Params`.
    fn wrapped_type_of(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "clone" | "take" | "as_ref" | "as_mut" | "cloned" | "copied" | "ok" | "entry"
                ) =>
            {
                self.wrapped_type_of(&m.receiver)
            }
            Expr::Reference(r) => self.wrapped_type_of(&r.expr),
            Expr::Paren(p) => self.wrapped_type_of(&p.expr),
            Expr::Field(f) => {
                let base = self.type_of(&f.base)?;
                let syn::Member::Named(field) = &f.member else {
                    return None;
                };
                let ty = self.file.as_ref()?.fields.get(&(base, field.to_string()))?;
                // `Option<T>`, `Result<T, E>`: `T`; `HashMap<K, V>`/`BTreeMap<K, V>`: `V`.
                let args = type_args(ty);
                match type_last_ident(ty)?.as_str() {
                    "Option" | "Result" => args.first().and_then(type_last_ident),
                    "HashMap" | "BTreeMap" | "IndexMap" => args.get(1).and_then(type_last_ident),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `let t: Window = s.parse()?;`: the file's `impl FromStr for Window` runs.
    fn check_parse_into(&self, init: &Expr, declared: &syn::Type) {
        let mut cur = init;
        loop {
            match cur {
                Expr::Try(t) => cur = &t.expr,
                Expr::Paren(p) => cur = &p.expr,
                Expr::MethodCall(m) if m.method == "parse" && m.turbofish.is_none() => {
                    // `Result<T, _>`/`Option<T>` declared: `T`.
                    let target = match type_last_ident(declared).as_deref() {
                        Some("Result" | "Option") => type_args(declared).first().and_then(type_last_ident),
                        other => other.map(str::to_owned),
                    };
                    if let Some(target) = target {
                        self.check_impl_method(&m.method, &target, "from_str");
                    }
                    return;
                }
                Expr::MethodCall(m)
                    if matches!(
                        m.method.to_string().as_str(),
                        "map_err"
                            | "unwrap"
                            | "expect"
                            | "unwrap_or_default"
                            | "unwrap_or"
                            | "ok"
                            | "context"
                    ) =>
                {
                    cur = &m.receiver;
                }
                _ => return,
            }
        }
    }

    /// `let m: BTreeMap<Key, ..>`: every insertion and lookup compares keys with the file's
    /// `impl Ord for Key` (also `BTreeSet`, `BinaryHeap`).
    fn check_ordered_keys(&self, declared: &syn::Type) {
        if !matches!(
            type_last_ident(declared).as_deref(),
            Some("BTreeMap" | "BTreeSet" | "BinaryHeap")
        ) || !self.linting()
        {
            return;
        }
        let Some(key) = type_args(declared).first().and_then(type_last_ident) else {
            return;
        };
        for method in ["cmp", "partial_cmp"] {
            self.check_impl_method(declared, &key, method);
        }
    }

    /// Operators on the file's types run their trait impls: `a + b` (`Add`), `a == b`
    /// (`PartialEq`), `a < b` (`PartialOrd`), `pool[i]` (`Index`), `*x` and `&x` (`Deref`).
    fn check_operator(&self, node: impl quote::ToTokens, operands: &[&Expr], methods: &[&str]) {
        let Some(file) = &self.file else { return };
        if !self.linting() {
            return;
        }
        let node = node.to_token_stream();
        for ty in operands.iter().filter_map(|e| self.type_of(e)) {
            for method in methods {
                self.check_impl_method(node.clone(), &ty, method);
                for (owner, f) in file
                    .trait_arg_methods
                    .get(&(ty.clone(), (*method).to_owned()))
                    .into_iter()
                    .flatten()
                {
                    let label = format!("{owner}::{method}()");
                    self.check_helper(node.clone(), &label, Some(owner), &f.sig.inputs, &f.block);
                }
            }
        }
    }

    /// Iterating a value of the file's type runs its `impl Iterator`'s `next()`:
    /// `for day in BusinessDays::new().take(3)`, `Ids::new().take(n).collect()`.
    fn check_iterator_impl(&self, node: impl quote::ToTokens, iterated: &Expr) {
        let mut root = iterated;
        while let Expr::MethodCall(m) = root {
            if !ITERATOR_ADAPTORS.contains(&m.method.to_string().as_str()) {
                break;
            }
            root = &m.receiver;
        }
        if let Some(ty) = self.type_of(root) {
            self.check_impl_method(node, &ty, "next");
        }
    }

    /// A file fn passed by name (`items.map(next_line)`): it runs where it is called.
    fn check_fn_value(&self, path: &syn::Path) {
        let Some(file) = &self.file else { return };
        if self.callees.contains_key(&addr(path)) || path.segments.len() > 2 {
            return;
        }
        let written = path_string(path);
        if !matches!(
            self.names.resolve(&written, path.leading_colon.is_some()),
            Resolved::Local
        ) {
            return;
        }
        let segs: Vec<String> = written
            .into_iter()
            .skip_while(|s| s == "crate" || s == "self" || s == "super")
            .collect();
        if file.fns.contains_key(&segs)
            || (segs.len() == 2 && file.methods.contains_key(&(segs[0].clone(), segs[1].clone())))
        {
            self.check_helper_at(path, segs);
        }
    }

    /// `.sort()` and kin compare with the file's `Ord`/`PartialOrd` impls.
    fn check_ordering_impls(&self, call: &syn::ExprMethodCall) {
        let Some(file) = &self.file else { return };
        for method in ["cmp", "partial_cmp"] {
            for (ty, f) in file.methods_named(method) {
                let label = format!("{ty}::{method}()");
                self.check_helper(method_span(call), &label, Some(ty), &f.sig.inputs, &f.block);
            }
        }
    }

    /// A `static` of the file the body reads: its initializer runs in this process, once
    /// (`Lazy::new(|| Config { size: env::var(..) })`), so what it read can differ on the
    /// machine that replays.
    fn check_static_init(&self, node: impl quote::ToTokens, name: &str) {
        let Some(init) = self.file.as_ref().and_then(|f| f.static_inits.get(name)) else {
            return;
        };
        let block: Block = syn::parse_quote!({ #init });
        let label = format!("static {name}");
        self.check_helper(node, &label, None, &Punctuated::new(), &block);
    }

    /// A method declared in this file's impls, called on a value that is not the context:
    /// the receiver's type when the lint knows it, otherwise every method of that name unless
    /// the name is one the standard library uses too.
    fn check_helper_method(&self, call: &syn::ExprMethodCall, method: &str) {
        let Some(file) = &self.file else { return };
        if self.is_ctx(&call.receiver) {
            // An extension trait of the file on the context (`ctx.wait_for_business_hours()`).
            if let Some(f) = file
                .methods
                .get(&("DurableContext".to_owned(), method.to_owned()))
            {
                let label = format!("DurableContext::{method}()");
                self.check_helper(
                    method_span(call),
                    &label,
                    Some("DurableContext"),
                    &f.sig.inputs,
                    &f.block,
                );
            }
            return;
        }
        if DURABLE_METHODS.contains(&method) {
            return;
        }
        let known = self.type_of(&call.receiver);
        // `receipt.to_string()` runs its `Display` impl; `order.into()` a `From<Order>` impl.
        let mut candidates: Vec<(String, Rc<syn::ImplItemFn>)> = Vec::new();
        match (method, known.as_deref()) {
            ("to_string", Some(ty)) => candidates.extend(
                file.methods
                    .get(&(ty.to_owned(), "fmt".to_owned()))
                    .map(|f| (ty.to_owned(), f.clone())),
            ),
            ("into", Some(ty)) => candidates.extend(
                file.from_impls
                    .get(ty)
                    .into_iter()
                    .flatten()
                    .map(|f| (ty.to_owned(), f.clone())),
            ),
            // `key.into()` on a value of a type not known here (an `impl Into<Key>`
            // parameter): any of the file's `From` impls may be the one that runs.
            ("into", None) => {
                let mut all: Vec<_> = file.from_impls.iter().collect();
                all.sort_by(|a, b| a.0.cmp(b.0));
                for (source, fns) in all {
                    candidates.extend(fns.iter().map(|f| (format!("From<{source}>"), f.clone())));
                }
            }
            _ => {}
        }
        if candidates.is_empty() {
            let all = file.methods_named(method);
            let of_known: Vec<_> = all
                .iter()
                .filter(|(ty, _)| known.as_deref() == Some(*ty))
                .cloned()
                .collect();
            // A receiver of a known type with that method: its own; of an unknown type (or a
            // `Box<dyn Trait>`, a generic `T`): every method of that name, unless the name is
            // common enough to be someone else's.
            let chosen = if of_known.is_empty() {
                if COMMON_METHODS.contains(&method) {
                    Vec::new()
                } else {
                    all
                }
            } else {
                of_known
            };
            candidates.extend(chosen.into_iter().map(|(t, f)| (t.to_owned(), f.clone())));
        }
        for (ty, f) in candidates {
            let label = format!("{ty}::{}()", f.sig.ident);
            self.check_helper(method_span(call), &label, Some(&ty), &f.sig.inputs, &f.block);
        }
    }

    /// The type name of a local value, or of a field of one (from the file's structs).
    fn type_of(&self, expr: &Expr) -> Option<String> {
        match expr {
            // `Health::Expired`: a variant (or associated const) of the file's enum or struct.
            Expr::Path(p) if p.path.segments.len() == 2 => {
                let ty = p.path.segments[0].ident.to_string();
                let file = self.file.as_ref()?;
                let known = file.items.contains(&ty) || file.methods.keys().any(|(owner, _)| *owner == ty);
                known.then_some(ty)
            }
            Expr::Path(p) => {
                let name = p.path.get_ident()?.to_string();
                match self.names.lookup(&name)? {
                    Binding::Value(facts) => facts.ty.as_ref().map(|t| t.to_string()),
                    // A unit struct used as a value (`Ids.next()`).
                    Binding::Item { .. } if name.starts_with(char::is_uppercase) => Some(name),
                    _ => None,
                }
            }
            Expr::Field(f) => {
                let base = self.type_of(&f.base)?;
                let syn::Member::Named(field) = &f.member else {
                    return None;
                };
                let ty = self.file.as_ref()?.fields.get(&(base, field.to_string()))?;
                type_last_ident(ty)
            }
            Expr::Reference(r) => self.type_of(&r.expr),
            Expr::Paren(p) => self.type_of(&p.expr),
            Expr::Struct(st) => st.path.segments.last().map(|s| s.ident.to_string()),
            // `Path::new(..)`, `PathBuf::from(..)`: the constructor's type.
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) if p.path.segments.len() >= 2 => {
                    let segs = path_string(&p.path);
                    let ty = &segs[segs.len() - 2];
                    ty.starts_with(char::is_uppercase).then(|| ty.clone())
                }
                _ => None,
            },
            // `ctx.saga()`, `ctx.saga().step_retry(..)`: a saga.
            Expr::MethodCall(m)
                if (m.method == "saga" && self.is_ctx(&m.receiver))
                    || (matches!(m.method.to_string().as_str(), "step_retry" | "compensation_retry")
                        && self.type_of(&m.receiver).is_some_and(|t| t == "Saga")) =>
            {
                Some("Saga".to_owned())
            }
            // A path built from a path (`base.join(name)`) is a path.
            Expr::MethodCall(m)
                if rules::PATH_BUILDING_METHODS.contains(&m.method.to_string().as_str())
                    && self.type_of(&m.receiver).is_some_and(|t| rules::is_path_type(&t)) =>
            {
                Some("PathBuf".to_owned())
            }
            // A method of the file's type that returns `Self` or another of its types
            // (builders: `Job::builder().name(n).build()`).
            Expr::MethodCall(m) => {
                let receiver = self.type_of(&m.receiver)?;
                let method = m.method.to_string();
                if matches!(method.as_str(), "clone" | "to_owned") {
                    return Some(receiver);
                }
                let file = self.file.as_ref()?;
                let f = file.methods.get(&(receiver.clone(), method))?;
                let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                    return None;
                };
                match type_last_ident(ty)?.as_str() {
                    "Self" => Some(receiver),
                    other
                        if file.fields.keys().any(|(owner, _)| owner == other)
                            || file.methods.keys().any(|(owner, _)| owner == other) =>
                    {
                        Some(other.to_owned())
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// What a written path resolves to, and its category if it is a source of nondeterminism.
    fn classify_path(&self, path: &syn::Path) -> Option<(Category, String)> {
        let written = path_string(path);
        let shown = written.join("::");
        match self.names.resolve(&written, path.leading_colon.is_some()) {
            Resolved::Local => None,
            Resolved::Rooted(full) => rules::classify_rooted(&full).map(|c| {
                let full = full.join("::");
                (
                    c,
                    if full == shown {
                        shown
                    } else {
                        format!("{shown}` → `{full}")
                    },
                )
            }),
            Resolved::Floating(segs) => rules::classify_floating(&segs).map(|(c, _)| (c, shown)),
        }
    }

    fn check_path(&mut self, path: &syn::Path) {
        if !self.linting() {
            return;
        }
        self.check_fn_value(path);
        let node = path_or_call(path, self.callees.get(&addr(path)).copied());
        if let Some((category, written)) = self.classify_path(path) {
            self.report(node, &written, category);
            return;
        }
        // A `static` with interior mutability declared in the body, or a `Racy` type.
        if let Some(ident) = path.get_ident() {
            match self.names.lookup(&ident.to_string()) {
                Some(Binding::Item {
                    interior_mutable: true,
                }) => self.report(node, &ident.to_string(), Category::Global),
                Some(Binding::Item { .. }) => self.check_static_init(node, &ident.to_string()),
                _ => {}
            }
        }
    }

    fn check_type(&self, ty: &syn::Type) {
        struct Finder<'l, 'a>(&'l Linter<'a>);
        impl<'ast> syn::visit::Visit<'ast> for Finder<'_, '_> {
            fn visit_path(&mut self, path: &'ast syn::Path) {
                if let Some(last) = path.segments.last() {
                    let name = last.ident.to_string();
                    if matches!(name.as_str(), "FuturesUnordered" | "JoinSet" | "SelectAll") {
                        self.0.report(path, &name, Category::Racy);
                    }
                }
                syn::visit::visit_path(self, path);
            }
        }
        if self.linting() {
            syn::visit::Visit::visit_type(&mut Finder(self), ty);
        }
    }

    fn is_ctx(&self, receiver: &Expr) -> bool {
        match receiver {
            Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| self.names.value(&i.to_string()).is_some_and(|f| f.ctx)),
            Expr::Paren(p) => self.is_ctx(&p.expr),
            Expr::Reference(r) => self.is_ctx(&r.expr),
            Expr::Field(f) => matches!(&f.member, syn::Member::Named(n) if n == "ctx"),
            Expr::MethodCall(m) if m.method == "clone" => self.is_ctx(&m.receiver),
            _ => false,
        }
    }

    fn is_seeded_rng(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| self.names.value(&i.to_string()).is_some_and(|f| f.seeded_rng)),
            Expr::Reference(r) => self.is_seeded_rng(&r.expr),
            Expr::Paren(p) => self.is_seeded_rng(&p.expr),
            _ => false,
        }
    }

    /// Facts about the value an initializer produces.
    fn init_facts(&self, init: &Expr) -> ValueFacts {
        let mut facts = ValueFacts::default();
        let text = quote::quote!(#init).to_string();
        facts.seeded_rng = ["seed_from_u64", "from_seed", "with_seed"]
            .iter()
            .any(|s| text.contains(s));
        facts.ctx = self.is_ctx(init);
        facts.ty = match init {
            Expr::Struct(st) => st.path.segments.last().map(|s| s.ident.to_string().into()),
            _ => self.type_of(init).map(Into::into),
        };
        facts.hash = match init {
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => {
                    let segs = path_string(&p.path);
                    let constructor = segs.len() >= 2 && names::is_hash_name(&segs[segs.len() - 2]);
                    // `HashMap::with_hasher(BuildHasherDefault::default())`: a fixed order.
                    let fixed = segs.last().is_some_and(|f| f.contains("hasher"))
                        && c.args.iter().any(|a| {
                            let text = quote::quote!(#a).to_string();
                            text.split(|ch: char| !ch.is_alphanumeric() && ch != '_')
                                .any(rules::is_fixed_hasher)
                        });
                    // `mem::take(&mut self.sessions)`, `mem::replace(&mut m, ..)`: the map moved out.
                    let moved = matches!(segs.last().map(String::as_str), Some("take" | "replace"))
                        && segs.iter().any(|s| s == "mem")
                        && c.args.first().is_some_and(|a| self.is_hash_value(strip_derefs(a)));
                    (constructor && !fixed) || moved || self.is_hash_value(init)
                }
                _ => false,
            },
            Expr::MethodCall(m) => {
                (m.method == "collect"
                    && m.turbofish.as_ref().is_some_and(|t| {
                        matches!(t.args.first(), Some(syn::GenericArgument::Type(ty)) if names::type_is_hash(ty))
                    }))
                    || (m.method == "clone" && self.is_hash_value(&m.receiver))
            }
            _ => self.is_hash_value(init),
        };
        facts
    }

    fn is_hash_value(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return false };
                let segs = path_string(&p.path);
                // `HashSet::from_iter(..)`, `HashMap::from([..])`: a new map.
                if let [.., ty, f] = segs.as_slice() {
                    if names::is_hash_name(ty) && matches!(f.as_str(), "from" | "from_iter") {
                        return true;
                    }
                }
                let Some(file) = &self.file else { return false };
                file.fns.get(&segs).is_some_and(
                    |f| matches!(&f.sig.output, syn::ReturnType::Type(_, ty) if names::type_is_hash(ty)),
                )
            }
            Expr::Field(f) => {
                let (Some(base), syn::Member::Named(field)) = (self.type_of(&f.base), &f.member) else {
                    return false;
                };
                self.file
                    .as_ref()
                    .and_then(|file| file.fields.get(&(base, field.to_string())))
                    .is_some_and(names::type_is_hash)
            }
            Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| self.names.value(&i.to_string()).is_some_and(|f| f.hash)),
            Expr::Reference(r) => self.is_hash_value(&r.expr),
            Expr::Paren(p) => self.is_hash_value(&p.expr),
            // `.collect::<HashSet<_>>()` in the middle of a chain.
            Expr::MethodCall(m) if m.method == "collect" => m.turbofish.as_ref().is_some_and(
                |t| matches!(t.args.first(), Some(syn::GenericArgument::Type(ty)) if names::type_is_hash(ty)),
            ),
            // Copies and views of a map are the same map.
            Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "clone"
                        | "to_owned"
                        | "borrow"
                        | "borrow_mut"
                        | "as_ref"
                        | "as_mut"
                        | "unwrap"
                        | "expect"
                ) =>
            {
                self.is_hash_value(&m.receiver)
            }
            _ => false,
        }
    }

    /// A hash collection handed whole to something that keeps its order: `Vec::from_iter(m)`,
    /// `serde_json::to_string(&m)`.
    fn check_hash_argument(&self, call: &syn::ExprCall) {
        let Expr::Path(p) = &*call.func else { return };
        let segs = path_string(&p.path);
        let keeps_order = match segs.as_slice() {
            [.., ty, f] if f == "from_iter" || f == "from" => {
                matches!(ty.as_str(), "Vec" | "VecDeque" | "String")
            }
            [.., krate, f] if krate == "serde_json" => f.starts_with("to_"),
            _ => false,
        };
        if keeps_order && segs.iter().any(|s| s == "serde_json") {
            // A struct of the file with a hash-map field: serialized in that map's order.
            if let Some((arg, field)) = call.args.first().and_then(|a| {
                self.type_of(a)
                    .and_then(|t| self.hash_field_of(&t))
                    .map(|f| (a, f))
            }) {
                self.report(
                    arg,
                    &format!("{}({}) (field `{field}`)", segs.join("::"), quote::quote!(#arg)),
                    Category::HashOrder,
                );
                return;
            }
        }
        if keeps_order {
            if let Some(arg) = call.args.first().filter(|a| self.is_hash_value(a)) {
                self.report(
                    arg,
                    &format!("{}({})", segs.join("::"), quote::quote!(#arg)),
                    Category::HashOrder,
                );
            }
        }
    }

    /// A field of the file's struct `ty` (or of a struct among its fields) whose type is a hash
    /// collection with the standard random order: its path, `facets` or `spec.facets`.
    fn hash_field_of(&self, ty: &str) -> Option<String> {
        let file = self.file.as_ref()?;
        let mut pending = vec![(ty.to_owned(), String::new())];
        let mut seen = HashSet::new();
        while let Some((owner, prefix)) = pending.pop() {
            if !seen.insert(owner.clone()) || seen.len() > 16 {
                continue;
            }
            let mut fields: Vec<_> = file.fields.iter().filter(|((o, _), _)| *o == owner).collect();
            fields.sort_by(|a, b| a.0 .1.cmp(&b.0 .1));
            for ((_, field), field_ty) in fields {
                let path = if prefix.is_empty() {
                    field.clone()
                } else {
                    format!("{prefix}.{field}")
                };
                if names::type_is_hash(field_ty) {
                    return Some(path);
                }
                pending.extend(type_idents(field_ty).into_iter().map(|t| (t, path.clone())));
            }
        }
        None
    }

    /// Judges an expression that may iterate a hash collection, once per chain.
    /// Returns whether `expr` iterates a hash collection in an order that does not matter
    /// (so the clippy layer's `iter_over_hash_type` may be allowed there).
    fn judge_iteration(&mut self, expr: &Expr, consumer: hash::Consumer<'_>) -> bool {
        let for_loop = matches!(consumer, hash::Consumer::For(_));
        let is_hash = |e: &Expr| self.is_hash_value(e);
        let Some(it) = hash::iteration(&is_hash, expr, for_loop) else {
            return false;
        };
        for call in &it.calls {
            self.judged.insert(addr(*call));
        }
        if hash::order_matters(&it, &consumer, &self.facts.sorted) {
            let written = match it.calls.last() {
                Some(first) => format!("{}.{}()", it.collection, first.method),
                None => format!("for .. in {}", it.collection),
            };
            match it.calls.last() {
                Some(first) => self.report(method_span(first), &written, Category::HashOrder),
                None => self.report(expr, &written, Category::HashOrder),
            }
            return false;
        }
        true
    }

    /// Whether `expr` iterates a hash collection whose hasher is fixed (`HashMap<K, V,
    /// BuildHasherDefault<H>>`): written as a hash type, but not one with a random order.
    fn iterates_fixed_hasher(&self, expr: &Expr) -> bool {
        let mut cur = expr;
        loop {
            match cur {
                Expr::MethodCall(m) => cur = &m.receiver,
                Expr::Reference(r) => cur = &r.expr,
                Expr::Paren(p) => cur = &p.expr,
                _ => break,
            }
        }
        let Some(t) = self.type_of(cur) else { return false };
        // `type FixedMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;`: a fixed hasher too.
        let fixed_alias = self
            .file
            .as_ref()
            .and_then(|f| f.type_aliases.get(&t))
            .is_some_and(|target| {
                type_last_ident(target).is_some_and(|h| names::is_hash_name(&h))
                    && type_idents(target).iter().any(|i| rules::is_fixed_hasher(i))
            });
        fixed_alias || (names::is_hash_name(&t) && !self.is_hash_value(cur))
    }

    /// Removes escape-hatch attributes; returns whether one was present.
    fn take_escape(&self, attrs: &mut Vec<Attribute>) -> bool {
        let mut found = false;
        attrs.retain(|attr| {
            if !is_escape(attr) {
                return true;
            }
            found = true;
            self.check_reason(attr);
            false
        });
        found
    }

    /// Visits an argument the SDK runs as a step: not linted (only nested durable operations
    /// are), and the clippy layer is allowed in it.
    fn visit_step_body(&mut self, arg: &mut Expr) {
        if let Expr::Closure(c) = arg {
            c.attrs.push(allow_clippy());
        }
        self.in_step += 1;
        self.visit_expr_mut(arg);
        self.in_step -= 1;
    }

    /// Visits a closure that runs as a child context: its first parameter is a context, and
    /// its operations are named in a scope of their own.
    fn visit_context_body(&mut self, arg: &mut Expr, parent: String, frame: Frame) {
        self.parents.push(parent);
        self.scopes.push(self.next_scope);
        self.next_scope += 1;
        self.frames.push(frame);
        match arg {
            Expr::Closure(c) => {
                self.names.push();
                for (i, input) in c.inputs.iter().enumerate() {
                    let facts = ValueFacts {
                        ctx: i == 0,
                        ..ValueFacts::default()
                    };
                    self.names.bind_pat(input, facts);
                }
                self.visit_expr_mut(&mut c.body);
                self.names.pop();
            }
            other => self.visit_expr_mut(other),
        }
        self.frames.pop();
        self.scopes.pop();
        self.parents.pop();
    }

    fn method_call(&mut self, call: &mut syn::ExprMethodCall) {
        let method = call.method.to_string();
        let argc = call.args.len();
        // Inside a step body: any durable method on a known context, or a named operation
        // (`x.wait("name", ..)`) on any receiver, since a clone of the context has another name.
        let named_op = matches!(
            method.as_str(),
            "step" | "wait" | "run_in_child_context" | "wait_for_callback"
        ) && matches!(
            call.args.first(),
            Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            }))
        );
        if self.in_step > 0
            && DURABLE_METHODS.contains(&method.as_str())
            && (self.is_ctx(&call.receiver) || named_op)
        {
            let receiver = &call.receiver;
            let name = &call.method;
            self.cx.error_spanned_by(
                quote::quote!(#receiver . #name),
                format!(
                    "durable operation `.{method}(..)` inside a step body: a step runs once and only its result is \
                     recorded, so it cannot perform durable operations; move the call out of the step, or group \
                     several operations with `ctx.run_in_child_context(..)`"
                ),
            );
        }
        self.check_method(call, &method, argc);
        self.check_helper_method(call, &method);
        self.check_wrapped_default(call, &method);
        if method == "parse" && self.linting() {
            if let Some(syn::GenericArgument::Type(ty)) = call.turbofish.as_ref().and_then(|t| t.args.first())
            {
                if let Some(ty) = type_last_ident(ty) {
                    self.check_impl_method(method_span(call), &ty, "from_str");
                }
            }
        }
        if ITERATOR_CONSUMERS.contains(&method.as_str()) && self.linting() {
            self.check_iterator_impl(method_span(call), &call.receiver);
        }
        if matches!(method.as_str(), "sort" | "sort_unstable") && call.args.is_empty() && self.linting() {
            self.check_ordering_impls(call);
        }
        self.helper_method(call, &method);
        if let Some(turbofish) = &call.turbofish {
            for arg in &turbofish.args {
                if let syn::GenericArgument::Type(ty) = arg {
                    self.check_type(ty);
                }
            }
        }

        let steps = prepass::step_positions(&method, argc);
        let contexts = prepass::context_positions(&method, argc);
        if !steps.is_empty() || !contexts.is_empty() {
            let mut within = None;
            if self.in_step == 0 {
                let kind = match method.as_str() {
                    "step" if argc == 3 => "saga step",
                    "step" => "step",
                    "wait_for_callback" => "callback",
                    "wait_for_condition" => "wait for condition",
                    "run_in_child_context" => "child context",
                    "map" => "map",
                    _ => "retry block",
                };
                within = Some(self.next_op_index());
                self.record_op(kind, &call.args);
            }
            let parent = self.ops.last().map(|op| op.label.clone()).unwrap_or_default();
            self.visit_expr_mut(&mut call.receiver);
            for (i, arg) in call.args.iter_mut().enumerate() {
                if steps.contains(&i) {
                    self.visit_step_body(arg);
                } else if contexts.contains(&i) {
                    let frame = within.map_or_else(|| self.lane_frame(parent.clone()), Frame::Context);
                    self.visit_context_body(arg, parent.clone(), frame);
                } else {
                    self.visit_expr_mut(arg);
                }
            }
            return;
        }
        match (method.as_str(), argc) {
            ("wait", 2) => {
                if self.in_step == 0 {
                    self.record_op("wait", &call.args);
                }
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            ("run", 1) => {
                if self.in_step == 0 {
                    self.record_run(call.args.first());
                }
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            ("now" | "random_u64" | "uuid", 0) if self.is_ctx(&call.receiver) => {
                if self.in_step == 0 {
                    let name = if method == "random_u64" {
                        "random"
                    } else {
                        method.as_str()
                    };
                    self.record_sdk_step(name, &method);
                }
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            ("compensate", 0) if self.in_step == 0 && self.is_saga(&call.receiver) => {
                self.record_compensation();
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            ("parallel", 2) if self.in_step == 0 => {
                // The branches, wherever they are written in the arguments, run in its context.
                let within = self.next_op_index();
                self.record_op("parallel", &call.args);
                self.visit_expr_mut(&mut call.receiver);
                self.frames.push(Frame::Context(within));
                for arg in &mut call.args {
                    self.visit_expr_mut(arg);
                }
                self.frames.pop();
            }
            ("create_callback", 1) | ("invoke", 3) if self.in_step == 0 => {
                let kind = match method.as_str() {
                    "create_callback" => "callback",
                    _ => "invoke",
                };
                self.record_op(kind, &call.args);
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            ("all" | "all_settled" | "any" | "race", 2)
                if self.in_step == 0 && self.is_ctx(&call.receiver) =>
            {
                self.record_op("combinator", &call.args);
                visit_mut::visit_expr_method_call_mut(self, call);
            }
            (
                "retry" | "semantics" | "serdes" | "timeout" | "heartbeat_timeout" | "max_concurrency"
                | "completion" | "nesting" | "item_serdes" | "item_namer" | "tenant_id",
                _,
            ) if self.in_step == 0 => {
                // An option chained on an operation: the operation is the first one recorded
                // while visiting the receiver chain.
                let first = self.ops.len();
                visit_mut::visit_expr_method_call_mut(self, call);
                if let Some(op) = self.ops.get_mut(first) {
                    let args = &call.args;
                    op.options.push(format!(".{method}({})", tidy(args)));
                }
            }
            _ => visit_mut::visit_expr_method_call_mut(self, call),
        }
    }

    /// Method calls that are nondeterministic whatever the receiver's type.
    fn check_method(&self, call: &syn::ExprMethodCall, method: &str, argc: usize) {
        if !self.linting() || self.is_ctx(&call.receiver) {
            return;
        }
        let receiver = &call.receiver;
        // A method this file defines for the receiver's type is the user's own, whatever its
        // name (a deterministic `rng.gen_range(..)` of their own): linted as a helper instead.
        let own = self.file.as_ref().is_some_and(|file| {
            self.type_of(receiver)
                .is_some_and(|ty| file.methods.contains_key(&(ty, method.to_owned())))
        });
        if own {
            return;
        }
        if let Some(category) = rules::classify_method(method, argc) {
            let seeded = category == Category::Randomness
                && (self.is_seeded_rng(receiver) || call.args.iter().any(|a| self.is_seeded_rng(a)));
            if !seeded {
                self.report(method_span(call), &format!(".{method}()"), category);
                return;
            }
        }
        // `path.exists()`, `path.metadata()`: a `Path`/`PathBuf` method that reads the disk.
        if rules::PATH_IO_METHODS.contains(&method)
            && self.type_of(receiver).is_some_and(|t| rules::is_path_type(&t))
        {
            self.report(method_span(call), &format!(".{method}()"), Category::Filesystem);
            return;
        }
        if let Some(category) = rules::classify_provider_method(method, argc) {
            if !self.is_seeded_rng(receiver) {
                self.report(method_span(call), &format!(".{method}()"), category);
                return;
            }
        }
        // `list.extend(map)`: the list takes the hash order (`map.keys()` is judged as a chain).
        if method == "extend" && argc == 1 && !self.is_hash_value(receiver) {
            if let Some(arg) = call.args.first() {
                if self.is_hash_value(arg) {
                    self.report(
                        arg,
                        &format!(".extend({})", quote::quote!(#arg)),
                        Category::HashOrder,
                    );
                }
            }
        }
        // Shared mutable state in a `static`: `COUNTER.fetch_add(..)`, `CACHE.lock()`.
        if rules::GLOBAL_STATE_METHODS.contains(&method) {
            if let Expr::Path(p) = &**receiver {
                if let Some(last) = p.path.segments.last() {
                    let name = last.ident.to_string();
                    let local_value = p.path.segments.len() == 1 && self.names.value(&name).is_some();
                    // A `thread_local!` of a type that cannot change (`static LIMIT: u32 = 500`):
                    // a constant (its initializer is linted where it is read).
                    let constant = self
                        .file
                        .as_ref()
                        .is_some_and(|f| f.statics.get(&name) == Some(&false));
                    if constant {
                        self.check_static_init(quote::quote!(#receiver . #last), &name);
                    } else if is_screaming(&name) && !local_value {
                        self.report(
                            quote::quote!(#receiver . #last),
                            &format!("{name}.{method}()"),
                            Category::Global,
                        );
                    }
                }
            }
        }
    }

    /// `&x as *const _ as usize`, `v.as_ptr() as usize`: a memory address as a number.
    fn check_cast(&self, cast: &syn::ExprCast) {
        let to_int = matches!(
            type_last_ident(&cast.ty).as_deref(),
            Some("usize" | "u64" | "u128" | "isize" | "i64" | "u32" | "i128")
        );
        if !to_int {
            return;
        }
        let mut inner = &*cast.expr;
        while let Expr::Paren(p) = inner {
            inner = &p.expr;
        }
        let pointer = match inner {
            Expr::Cast(c) => matches!(&*c.ty, syn::Type::Ptr(_)),
            Expr::MethodCall(m) => matches!(m.method.to_string().as_str(), "as_ptr" | "as_mut_ptr" | "cast"),
            // `Arc::as_ptr(&x) as usize`, `ptr::addr_of!(x) as usize`
            Expr::Call(c) => {
                matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "as_ptr" || s.ident == "from_ref"))
            }
            Expr::Macro(m) => m
                .mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "addr_of" || s.ident == "addr_of_mut"),
            _ => false,
        };
        if pointer {
            self.report(cast, &quote::quote!(#cast).to_string(), Category::Address);
        }
    }

    /// Registers the items of a block (visible in the whole block) before walking it.
    fn declare_items(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            let Stmt::Item(item) = stmt else { continue };
            match item {
                Item::Use(u) => self.names.bind_use(&u.tree, &mut Vec::new()),
                Item::Fn(f) => {
                    self.names.bind(
                        f.sig.ident.to_string(),
                        Binding::Item {
                            interior_mutable: false,
                        },
                    );
                    self.local_fns.insert(f.sig.ident.to_string(), Rc::new(f.clone()));
                }
                Item::Static(s) => {
                    let interior_mutable = type_last_ident(&s.ty)
                        .is_some_and(|t| rules::is_interior_mutable(&t))
                        || matches!(s.mutability, syn::StaticMutability::Mut(_));
                    self.names
                        .bind(s.ident.to_string(), Binding::Item { interior_mutable });
                }
                Item::Macro(m) => {
                    if m.mac.path.is_ident("macro_rules") {
                        if let Some(ident) = &m.ident {
                            self.local_macros.insert(ident.to_string(), m.mac.tokens.clone());
                        }
                    }
                }
                other => {
                    if let Item::Const(c) = other {
                        self.declare_const(c);
                    }
                    if let Some(ident) = file::item_ident(other) {
                        self.names.bind(
                            ident.to_string(),
                            Binding::Item {
                                interior_mutable: false,
                            },
                        );
                    }
                }
            }
        }
    }
}

/// Method names of the standard library and common traits: a call of one on a value of
/// unknown type is not taken for a same-named method of this file.
/// Iterator methods that hand on the items of their receiver.
const ITERATOR_ADAPTORS: &[&str] = &[
    "take",
    "skip",
    "map",
    "filter",
    "filter_map",
    "flat_map",
    "enumerate",
    "zip",
    "chain",
    "step_by",
    "take_while",
    "skip_while",
    "map_while",
    "peekable",
    "by_ref",
    "cloned",
    "copied",
    "inspect",
    "fuse",
    "scan",
    "into_iter",
    "iter",
];

/// Iterator methods that pull items (and so run `next()`).
const ITERATOR_CONSUMERS: &[&str] = &[
    "collect",
    "sum",
    "product",
    "count",
    "last",
    "nth",
    "fold",
    "try_fold",
    "for_each",
    "try_for_each",
    "find",
    "find_map",
    "any",
    "all",
    "position",
    "max",
    "min",
    "max_by_key",
    "min_by_key",
    "max_by",
    "min_by",
    "reduce",
    "unzip",
    "partition",
];

const COMMON_METHODS: &[&str] = &[
    "new",
    "default",
    "clone",
    "len",
    "is_empty",
    "get",
    "insert",
    "remove",
    "push",
    "pop",
    "iter",
    "into_iter",
    "map",
    "and_then",
    "unwrap",
    "unwrap_or",
    "expect",
    "to_string",
    "to_owned",
    "into",
    "from",
    "as_ref",
    "as_str",
    "contains",
    "extend",
    "collect",
    "next",
    "fmt",
    "eq",
    "cmp",
    "partial_cmp",
    "hash",
    "serialize",
    "deserialize",
    "build",
    "finish",
    "total",
    "sum",
    "count",
    "id",
    "name",
    "key",
    "value",
    "validate",
];

/// The durable operations of `DurableContext`, by method name.
const DURABLE_METHODS: &[&str] = &[
    "step",
    "wait",
    "run",
    "run_in_child_context",
    "now",
    "random_u64",
    "uuid",
    "wait_for_callback",
    "invoke",
];

impl VisitMut for Linter<'_> {
    fn visit_block_mut(&mut self, block: &mut Block) {
        self.names.push();
        self.declare_items(&block.stmts);
        for stmt in &mut block.stmts {
            self.visit_stmt_mut(stmt);
        }
        self.names.pop();
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let escaped = expr_attrs_mut(expr).is_some_and(|attrs| self.take_escape(attrs));
        if escaped {
            self.allowed += 1;
        }
        if let Expr::MethodCall(call) = &*expr {
            if !self.judged.contains(&addr(call)) {
                self.judge_iteration(expr, hash::Consumer::Unknown);
            }
        }
        if let Expr::Await(awaited) = &*expr {
            self.check_awaited_step_fn(awaited);
        }
        match expr {
            Expr::Path(p) => self.check_path(&p.path),
            Expr::MethodCall(call) => self.method_call(call),
            Expr::Macro(m) => self.check_macro(&mut m.mac),
            Expr::Cast(c) => {
                self.check_cast(c);
                visit_mut::visit_expr_cast_mut(self, c);
            }
            Expr::If(e) => {
                let site = self.next_branch;
                self.next_branch += 1;
                let cond = &e.cond;
                let test = format!("if {}", tidy(cond));
                let arm = |arm: usize, label: &str| Frame::Arm {
                    site,
                    arm,
                    arms: 2,
                    test: test.clone(),
                    label: label.to_owned(),
                };
                let (yes, no) = (arm(0, "yes"), arm(1, "no"));
                self.names.push();
                self.visit_expr_mut(&mut e.cond);
                self.framed(yes, |this| this.visit_block_mut(&mut e.then_branch));
                self.names.pop();
                if let Some((_, els)) = &mut e.else_branch {
                    self.framed(no, |this| this.visit_expr_mut(els));
                }
            }
            Expr::Let(l) => {
                self.visit_expr_mut(&mut l.expr);
                self.names.bind_pat(&l.pat, ValueFacts::default());
            }
            Expr::Match(e) => {
                let site = self.next_branch;
                self.next_branch += 1;
                let scrutinee = &e.expr;
                let test = format!("match {}", tidy(scrutinee));
                let arms = e.arms.len();
                self.visit_expr_mut(&mut e.expr);
                for (i, arm) in e.arms.iter_mut().enumerate() {
                    let pat = &arm.pat;
                    let label = match &arm.guard {
                        Some((_, guard)) => format!("{} if {}", tidy(pat), tidy(guard)),
                        None => tidy(pat),
                    };
                    let frame = Frame::Arm {
                        site,
                        arm: i,
                        arms,
                        test: test.clone(),
                        label,
                    };
                    self.framed(frame, |this| {
                        this.names.push();
                        this.names.bind_pat(&arm.pat, ValueFacts::default());
                        this.visit_arm_mut(arm);
                        this.names.pop();
                    });
                }
            }
            Expr::ForLoop(f) => {
                if self.linting() {
                    self.check_iterator_impl(&f.expr, &f.expr);
                }
                let statement = self.statement_loop == addr(&*f);
                let order_free = self.judge_iteration(&f.expr, hash::Consumer::For(&f.body))
                    || self.iterates_fixed_hasher(&f.expr);
                if order_free && statement {
                    // Judged order-free (a sum, a count, folding into another map), or a map
                    // with a fixed hasher: clippy's `iter_over_hash_type` cannot tell, so it
                    // is allowed on this loop.
                    let lint = quote::quote!(clippy::iter_over_hash_type);
                    f.attrs.push(syn::parse_quote!(#[allow(#lint)]));
                }
                self.visit_expr_mut(&mut f.expr);
                let (pat, iterated) = (&f.pat, &f.expr);
                let frame = self.loop_frame(format!("for {} in {}", tidy(pat), tidy(iterated)));
                self.framed(frame, |this| {
                    this.names.push();
                    this.names.bind_pat(&f.pat, ValueFacts::default());
                    this.visit_block_mut(&mut f.body);
                    this.names.pop();
                });
            }
            Expr::While(_) | Expr::Loop(_) => {
                let label = match &*expr {
                    Expr::While(w) => {
                        let cond = &w.cond;
                        format!("while {}", tidy(cond))
                    }
                    _ => "loop".to_owned(),
                };
                let frame = self.loop_frame(label);
                self.framed(frame, |this| {
                    this.names.push();
                    visit_mut::visit_expr_mut(this, expr);
                    this.names.pop();
                });
            }
            Expr::Closure(c) => {
                self.names.push();
                for input in &c.inputs {
                    self.names.bind_pat(input, ValueFacts::default());
                }
                self.visit_expr_mut(&mut c.body);
                self.names.pop();
            }
            Expr::Call(call) => {
                // `Branch::new(|ctx| ..)`, `Branch::named("n", |ctx| ..)`: parallel branches.
                let branch = match &*call.func {
                    Expr::Path(p) => {
                        let segs = path_string(&p.path);
                        segs.len() >= 2
                            && segs[segs.len() - 2] == "Branch"
                            && matches!(segs[segs.len() - 1].as_str(), "new" | "named")
                    }
                    _ => false,
                };
                self.check_hash_argument(call);
                self.check_helper_call(call);
                self.helper_call(call);
                let callee = match &*call.func {
                    Expr::Path(p) => Some(addr(&p.path)),
                    _ => None,
                };
                if let Some(callee) = callee {
                    self.callees.insert(callee, call.paren_token.span.close());
                }
                let joins = match &*call.func {
                    Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
                        matches!(
                            s.ident.to_string().as_str(),
                            "join_all"
                                | "try_join_all"
                                | "join"
                                | "try_join"
                                | "join3"
                                | "try_join3"
                                | "join4"
                        )
                    }),
                    _ => false,
                };
                self.concurrent += usize::from(joins);
                if branch {
                    self.visit_expr_mut(&mut call.func);
                    let n = call.args.len();
                    let label = match call.args.first() {
                        Some(Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(name),
                            ..
                        })) if n == 2 => format!("branch {}", name.value()),
                        Some(name) if n == 2 => format!("branch {}", tidy(name)),
                        _ => "branch".to_owned(),
                    };
                    let frame = self.lane_frame(label);
                    for (i, arg) in call.args.iter_mut().enumerate() {
                        if i + 1 == n {
                            self.visit_context_body(arg, "parallel branch".to_owned(), frame.clone());
                        } else {
                            self.visit_expr_mut(arg);
                        }
                    }
                } else {
                    visit_mut::visit_expr_call_mut(self, call);
                }
                self.concurrent -= usize::from(joins);
                if let Some(callee) = callee {
                    self.callees.remove(&callee);
                }
            }
            Expr::Binary(b) => {
                use syn::BinOp::*;
                let methods: &[&str] = match b.op {
                    Add(_) | AddAssign(_) => &["add", "add_assign"],
                    Sub(_) | SubAssign(_) => &["sub", "sub_assign"],
                    Mul(_) | MulAssign(_) => &["mul", "mul_assign"],
                    Div(_) | DivAssign(_) => &["div", "div_assign"],
                    Rem(_) | RemAssign(_) => &["rem", "rem_assign"],
                    Eq(_) | Ne(_) => &["eq", "ne"],
                    Lt(_) | Le(_) | Gt(_) | Ge(_) => &["partial_cmp", "cmp", "lt", "le", "gt", "ge"],
                    _ => &[],
                };
                if !methods.is_empty() {
                    let (left, right) = (strip_derefs(&b.left), strip_derefs(&b.right));
                    self.check_operator(b.op, &[left, right], methods);
                }
                visit_mut::visit_expr_binary_mut(self, b);
            }
            Expr::Index(ix) => {
                self.check_operator(&*ix.expr, &[&ix.expr], &["index", "index_mut"]);
                visit_mut::visit_expr_index_mut(self, ix);
            }
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.check_operator(&*u.expr, &[&u.expr], &["deref", "deref_mut"]);
                visit_mut::visit_expr_unary_mut(self, u);
            }
            Expr::Reference(r) => {
                // `&ProcessEpoch` where a `&SystemTime` is wanted: `Deref` runs.
                self.check_operator(&*r.expr, &[&r.expr], &["deref"]);
                visit_mut::visit_expr_reference_mut(self, r);
            }
            Expr::Async(a) => {
                if self.linting() {
                    for (call, shared) in completion::shared_appends_after_await(&a.block) {
                        let written = format!("{shared}.lock()….{}(..)", call.method);
                        self.report(method_span(call), &written, Category::CompletionOrder);
                    }
                }
                visit_mut::visit_expr_async_mut(self, a);
            }
            Expr::Struct(st) => {
                if let (Some(rest), Some(ty)) = (&st.rest, st.path.segments.last()) {
                    if is_default_call(rest) {
                        self.check_default_of(&**rest, &ty.ident.to_string());
                    }
                }
                visit_mut::visit_expr_struct_mut(self, st);
            }
            other => visit_mut::visit_expr_mut(self, other),
        }
        if escaped {
            self.allowed -= 1;
        }
    }

    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        let escaped = self.take_escape(&mut local.attrs);
        if escaped {
            local.attrs.push(allow_clippy());
        }
        self.allowed += usize::from(escaped);
        let (name, ty) = match &local.pat {
            syn::Pat::Ident(pi) => (Some(pi.ident.to_string()), None),
            syn::Pat::Type(pt) => (
                match &*pt.pat {
                    syn::Pat::Ident(pi) => Some(pi.ident.to_string()),
                    _ => None,
                },
                Some((*pt.ty).clone()),
            ),
            _ => (None, None),
        };
        if let Some(ty) = &ty {
            self.check_type(ty);
        }
        let step_body = name.as_ref().is_some_and(|n| self.facts.step_bodies.contains(n));
        let mut facts = ValueFacts::default();
        if let Some(init) = &mut local.init {
            // A step body bound to a variable, then passed to a step. A closure gets the
            // attribute on or off (see `allow_clippy_if`): whether it is a step body is decided
            // by a later statement.
            if step_body || matches!(*init.expr, Expr::Closure(_)) {
                local.attrs.push(allow_clippy_if(step_body));
            }
            if step_body {
                self.in_step += 1;
                self.visit_expr_mut(&mut init.expr);
                if let Some((_, diverge)) = &mut init.diverge {
                    self.visit_expr_mut(diverge);
                }
                self.in_step -= 1;
            } else {
                self.judge_iteration(
                    &init.expr,
                    hash::Consumer::Let {
                        name: name.clone(),
                        ty: ty.as_ref(),
                    },
                );
                facts = self.init_facts(&init.expr);
                if let (Some(ty), true) = (ty.as_ref().and_then(type_last_ident), is_default_call(&init.expr))
                {
                    self.check_default_of(&*init.expr, &ty);
                }
                if let Some(ty) = &ty {
                    self.check_parse_into(&init.expr, ty);
                    self.check_ordered_keys(ty);
                }
                self.visit_expr_mut(&mut init.expr);
                if let Some((_, diverge)) = &mut init.diverge {
                    self.visit_expr_mut(diverge);
                }
            }
        }
        self.names.bind_pat(&local.pat, facts);
        self.allowed -= usize::from(escaped);
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Expr(Expr::ForLoop(f), _) = stmt {
            self.statement_loop = addr(&*f);
        }
        match stmt {
            Stmt::Macro(m) => {
                let escaped = self.take_escape(&mut m.attrs);
                if escaped {
                    m.attrs.push(allow_clippy());
                }
                self.allowed += usize::from(escaped);
                self.check_macro(&mut m.mac);
                self.allowed -= usize::from(escaped);
            }
            Stmt::Expr(e, Some(_)) => {
                // An expression statement: the escape hatch becomes a clippy `allow` in place
                // (attributes on statements are stable, unlike on most expressions).
                let escaped = expr_attrs_mut(e).is_some_and(|attrs| self.take_escape(attrs));
                self.allowed += usize::from(escaped);
                self.visit_expr_mut(e);
                self.allowed -= usize::from(escaped);
                if escaped {
                    if let Some(attrs) = expr_attrs_mut(e) {
                        attrs.push(allow_clippy());
                    }
                }
            }
            other => visit_mut::visit_stmt_mut(self, other),
        }
    }

    fn visit_item_mut(&mut self, item: &mut Item) {
        // Nested items are not orchestration code unless the body uses them: a nested fn the
        // body calls is linted like the body; declaring global mutable state is rejected.
        match item {
            Item::Static(s) => {
                let escaped = self.take_escape(&mut s.attrs);
                let interior = file::interior_mutable(&s.ty);
                if !escaped && (matches!(s.mutability, syn::StaticMutability::Mut(_)) || interior) {
                    let name = s.ident.to_string();
                    let written = if interior {
                        format!("static {name}")
                    } else {
                        format!("static mut {name}")
                    };
                    self.report(&s.ident, &written, Category::Global);
                }
            }
            Item::Macro(m) => {
                let escaped = self.take_escape(&mut m.attrs);
                self.allowed += usize::from(escaped);
                if !m.mac.path.is_ident("macro_rules") {
                    self.check_macro(&mut m.mac);
                }
                self.allowed -= usize::from(escaped);
            }
            Item::Fn(f) if self.facts.called.contains(&f.sig.ident.to_string()) => {
                f.attrs.push(allow_clippy_if(false));
                let escaped = self.take_escape(&mut f.attrs);
                self.allowed += usize::from(escaped);
                let ops = self.ops.len();
                self.names.push();
                for input in &f.sig.inputs {
                    if let syn::FnArg::Typed(pt) = input {
                        self.names
                            .bind_pat(&syn::Pat::Type(pt.clone()), ValueFacts::default());
                    }
                }
                self.visit_block_mut(&mut f.block);
                self.names.pop();
                self.ops.truncate(ops);
                self.allowed -= usize::from(escaped);
            }
            // A nested fn the body never calls nor passes is not orchestration code: the
            // workflow's `#[warn]` of the clippy layer must not reach into it.
            Item::Fn(f) => {
                f.attrs.push(allow_clippy_if(true));
                // Stripped here too: the attribute does not exist for the compiler.
                self.take_escape(&mut f.attrs);
            }
            _ => {}
        }
    }
}

fn is_escape(attr: &Attribute) -> bool {
    let segments: Vec<String> = attr.path().segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [last] => last == ESCAPE,
        [root, last] => last == ESCAPE && (root == "durable" || root == "durable_runtime"),
        _ => false,
    }
}

/// The attributes of any expression.
fn expr_attrs_mut(expr: &mut Expr) -> Option<&mut Vec<Attribute>> {
    Some(match expr {
        Expr::Array(e) => &mut e.attrs,
        Expr::Assign(e) => &mut e.attrs,
        Expr::Async(e) => &mut e.attrs,
        Expr::Await(e) => &mut e.attrs,
        Expr::Binary(e) => &mut e.attrs,
        Expr::Block(e) => &mut e.attrs,
        Expr::Break(e) => &mut e.attrs,
        Expr::Call(e) => &mut e.attrs,
        Expr::Cast(e) => &mut e.attrs,
        Expr::Closure(e) => &mut e.attrs,
        Expr::Const(e) => &mut e.attrs,
        Expr::Continue(e) => &mut e.attrs,
        Expr::Field(e) => &mut e.attrs,
        Expr::ForLoop(e) => &mut e.attrs,
        Expr::Group(e) => &mut e.attrs,
        Expr::If(e) => &mut e.attrs,
        Expr::Index(e) => &mut e.attrs,
        Expr::Infer(e) => &mut e.attrs,
        Expr::Let(e) => &mut e.attrs,
        Expr::Lit(e) => &mut e.attrs,
        Expr::Loop(e) => &mut e.attrs,
        Expr::Macro(e) => &mut e.attrs,
        Expr::Match(e) => &mut e.attrs,
        Expr::MethodCall(e) => &mut e.attrs,
        Expr::Paren(e) => &mut e.attrs,
        Expr::Path(e) => &mut e.attrs,
        Expr::Range(e) => &mut e.attrs,
        Expr::RawAddr(e) => &mut e.attrs,
        Expr::Reference(e) => &mut e.attrs,
        Expr::Repeat(e) => &mut e.attrs,
        Expr::Return(e) => &mut e.attrs,
        Expr::Struct(e) => &mut e.attrs,
        Expr::Try(e) => &mut e.attrs,
        Expr::TryBlock(e) => &mut e.attrs,
        Expr::Tuple(e) => &mut e.attrs,
        Expr::Unary(e) => &mut e.attrs,
        Expr::Unsafe(e) => &mut e.attrs,
        Expr::While(e) => &mut e.attrs,
        Expr::Yield(e) => &mut e.attrs,
        _ => return None,
    })
}
