//! Parse phase, part 2: the annotated function as an IR. Building the IR records structural
//! mistakes (missing `async`, `self`, generics, bad parameters, non-`Result` returns) with
//! the span of the offending token, and keeps going so every mistake is reported at once.

use crate::attr::{StepArgs, WorkflowArgs};
use crate::ctxt::Ctxt;
use quote::format_ident;
use syn::{FnArg, Ident, ItemFn, Pat, ReturnType, Type};

/// A `#[durable_workflow]` function.
pub(crate) struct Workflow {
    /// The user's function (the determinism lint strips escape-hatch attributes from it).
    pub(crate) original: ItemFn,
    pub(crate) args: WorkflowArgs,
    /// The input type (`()` when the function takes only the context).
    pub(crate) input: Type,
    /// The declared return type.
    pub(crate) output: Type,
    /// Whether the signature can be wired to the `Workflow` trait.
    pub(crate) signature_ok: bool,
}

/// A `#[step]` function.
pub(crate) struct Step {
    pub(crate) original: ItemFn,
    pub(crate) args: StepArgs,
    pub(crate) params: Vec<StepParam>,
    pub(crate) output: Type,
    pub(crate) signature_ok: bool,
}

/// One owned parameter of a step function.
pub(crate) struct StepParam {
    /// The name of the constructor's parameter (the user's, or `__durable_argN`).
    pub(crate) ident: Ident,
    /// The struct field holding the value.
    pub(crate) field: Ident,
    pub(crate) ty: Type,
    /// A `StepContext` parameter: filled in by the runtime, not by the caller.
    pub(crate) is_step_context: bool,
}

/// Parses the annotated item as a function. When only its body fails to parse (the user is
/// typing: `ctx.` with nothing after it yet), returns the function with its body kept as the
/// user's tokens, unread, together with the body's error. The expansion then still has the
/// body's tokens (hover and go-to-definition keep working in them) and the items generated
/// from the signature (code that names them still resolves), as tracing's `#[instrument]`
/// does with its speculative parse.
pub(crate) fn parse_fn(item: proc_macro2::TokenStream) -> syn::Result<(ItemFn, Option<syn::Error>)> {
    let error = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(f) => return Ok((f, None)),
        Err(e) => e,
    };
    match syn::parse2::<FnWithRawBody>(item) {
        Ok(FnWithRawBody(f)) => Ok((f, Some(error))),
        Err(_) => Err(error),
    }
}

/// A function whose body is any brace-delimited tokens.
struct FnWithRawBody(ItemFn);

impl syn::parse::Parse for FnWithRawBody {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let vis: syn::Visibility = input.parse()?;
        let sig: syn::Signature = input.parse()?;
        let body: proc_macro2::Group = input.parse()?;
        if body.delimiter() != proc_macro2::Delimiter::Brace {
            return Err(syn::Error::new(body.span(), "expected a function body"));
        }
        let block = syn::Block {
            brace_token: syn::token::Brace(body.delim_span()),
            // Printed back as it came; the lint walks past a verbatim item.
            stmts: vec![syn::Stmt::Item(syn::Item::Verbatim(body.stream()))],
        };
        Ok(FnWithRawBody(ItemFn {
            attrs,
            vis,
            sig,
            block: Box::new(block),
        }))
    }
}

const WORKFLOW_FORMS: &str =
    "expected `async fn name(ctx: DurableContext, input: Input) -> Result<Output, DurableError>` \
                              or `async fn name(ctx: DurableContext) -> Result<Output, DurableError>`";

impl Workflow {
    pub(crate) fn from_syn(cx: &Ctxt, original: ItemFn, args: WorkflowArgs) -> Workflow {
        let before = error_count(cx);
        let sig = &original.sig;
        check_common(cx, &original, "#[durable_workflow]", WORKFLOW_FORMS);
        let mut inputs = sig.inputs.iter();
        match inputs.next() {
            Some(FnArg::Typed(pt)) => {
                if !type_ends_with(&pt.ty, "DurableContext") {
                    cx.error_spanned_by(
                        &pt.ty,
                        format!("the first parameter of a workflow must be the context, `ctx: DurableContext`; {WORKFLOW_FORMS}"),
                    );
                }
            }
            Some(FnArg::Receiver(_)) => {} // reported by check_common
            None => cx.error_at(
                sig.paren_token.span.join(),
                format!("a workflow takes the context as its first parameter; {WORKFLOW_FORMS}"),
            ),
        }
        let input = match inputs.next() {
            Some(FnArg::Typed(pt)) => {
                reject_borrowed(cx, &pt.ty, "a workflow's input");
                (*pt.ty).clone()
            }
            _ => syn::parse_quote!(()),
        };
        for extra in inputs {
            cx.error_spanned_by(
                extra,
                format!("a workflow takes at most two parameters; {WORKFLOW_FORMS}"),
            );
        }
        let output = return_type(cx, sig, WORKFLOW_FORMS);
        let signature_ok = error_count(cx) == before;
        Workflow {
            original,
            args,
            input,
            output,
            signature_ok,
        }
    }
}

const STEP_FORMS: &str = "expected `async fn name(arg: OwnedType, ..) -> Result<Value, Error>`, where one \
                          parameter may be a `StepContext` (attempt number and logger)";

impl Step {
    pub(crate) fn from_syn(cx: &Ctxt, original: ItemFn, args: StepArgs) -> Step {
        let before = error_count(cx);
        check_common(cx, &original, "#[step]", STEP_FORMS);
        let mut params = Vec::new();
        for (i, input) in original.sig.inputs.iter().enumerate() {
            let FnArg::Typed(pt) = input else { continue };
            reject_borrowed(cx, &pt.ty, "a step's arguments");
            let field = format_ident!("__durable_arg{}", i);
            let ident = match &*pt.pat {
                Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => pi.ident.clone(),
                _ => field.clone(),
            };
            let is_step_context = type_ends_with(&pt.ty, "StepContext");
            if is_step_context && params.iter().any(|p: &StepParam| p.is_step_context) {
                cx.error_spanned_by(&pt.ty, "a step takes at most one `StepContext` parameter");
            }
            params.push(StepParam {
                ident,
                field,
                ty: (*pt.ty).clone(),
                is_step_context,
            });
        }
        let output = return_type(cx, &original.sig, STEP_FORMS);
        let signature_ok = error_count(cx) == before;
        Step {
            original,
            args,
            params,
            output,
            signature_ok,
        }
    }
}

fn error_count(cx: &Ctxt) -> usize {
    cx.count()
}

/// Checks shared by both attributes: `async`, no `self`, no generics, no `const`/`unsafe`/variadics.
fn check_common(cx: &Ctxt, item: &ItemFn, attribute: &str, forms: &str) {
    let sig = &item.sig;
    if sig.asyncness.is_none() {
        cx.error_spanned_by(
            sig.fn_token,
            format!("`{attribute}` requires an `async fn`: add `async` before `fn`; {forms}"),
        );
    }
    if let Some(c) = &sig.constness {
        cx.error_spanned_by(c, format!("`{attribute}` cannot be used on a `const fn`"));
    }
    if let Some(u) = &sig.unsafety {
        cx.error_spanned_by(u, format!("`{attribute}` cannot be used on an `unsafe fn`"));
    }
    if let Some(v) = &sig.variadic {
        cx.error_spanned_by(v, format!("`{attribute}` cannot be used on a variadic function"));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error_spanned_by(
            &sig.generics,
            format!(
                "`{attribute}` functions cannot be generic (type, lifetime or const parameters, or a `where` clause): \
                 the runtime needs one concrete input and output type; use concrete types"
            ),
        );
    }
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => cx.error_spanned_by(
                r,
                format!("`{attribute}` must be on a free function, not a method with `self`; {forms}"),
            ),
            FnArg::Typed(pt) => {
                if let Type::ImplTrait(_) = &*pt.ty {
                    cx.error_spanned_by(
                        &pt.ty,
                        format!("`{attribute}` functions cannot take `impl Trait` parameters; use a concrete owned type"),
                    );
                }
            }
        }
    }
}

/// Rejects references and borrowed lifetimes: durable futures must be `Send + 'static`.
fn reject_borrowed(cx: &Ctxt, ty: &Type, what: &str) {
    struct Finder<'a> {
        cx: &'a Ctxt,
        what: &'a str,
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
            if !self.found && r.lifetime.as_ref().is_none_or(|l| l.ident != "static") {
                self.found = true;
                self.cx.error_spanned_by(
                    r,
                    format!(
                        "{} must be owned: a durable operation's future must be `Send + 'static`, so it cannot \
                         borrow; take an owned value instead (e.g. `String` for `&str`, `Vec<T>` for `&[T]`, `T` \
                         for `&T`) and clone at the call site",
                        self.what
                    ),
                );
            }
        }
        fn visit_lifetime(&mut self, l: &'ast syn::Lifetime) {
            if !self.found && l.ident != "static" {
                self.found = true;
                self.cx.error_spanned_by(
                    l,
                    format!(
                        "{} must be owned (`'static`): a durable operation's future cannot borrow",
                        self.what
                    ),
                );
            }
        }
    }
    let mut finder = Finder {
        cx,
        what,
        found: false,
    };
    syn::visit::visit_type(&mut finder, ty);
}

/// The declared return type, which must look like a `Result`.
fn return_type(cx: &Ctxt, sig: &syn::Signature, forms: &str) -> Type {
    match &sig.output {
        ReturnType::Default => {
            cx.error_at(
                sig.paren_token.span.close(),
                format!("missing return type: a durable function must return a `Result`; {forms}"),
            );
            syn::parse_quote!(())
        }
        ReturnType::Type(_, ty) => {
            if !looks_like_result(ty) {
                cx.error_spanned_by(ty, format!("a durable function must return a `Result`; {forms}"));
            }
            (**ty).clone()
        }
    }
}

/// `Result<..>`, `io::Result<..>`, `anyhow::Result<T>`, `MyResult<T>`: any path whose last
/// segment ends in `Result` (aliases are checked by the compiler through `StepReturn`).
fn looks_like_result(ty: &Type) -> bool {
    match ty {
        Type::Path(tp) => {
            tp.qself.is_none()
                && tp
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident.to_string().ends_with("Result"))
        }
        Type::Paren(p) => looks_like_result(&p.elem),
        Type::Group(g) => looks_like_result(&g.elem),
        _ => false,
    }
}

/// Whether `ty` is a path whose last segment is `name`.
pub(crate) fn type_ends_with(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Path(tp) => tp.path.segments.last().is_some_and(|s| s.ident == name),
        Type::Group(g) => type_ends_with(&g.elem, name),
        _ => false,
    }
}
