//! Check phase, part 2: rules that look at more than one thing at once (serde's split:
//! single-value checks happen while parsing, in `attr.rs` and `ast.rs`).

use crate::attr::{Retry, StepArgs};
use crate::ctxt::Ctxt;
use crate::lint::Operation;

/// Rejects two operations with the same literal name in one context, unless they sit in
/// different arms of one `if`/`match` (so at most one of them runs). Operations found in
/// helper fns are left out: a helper may be called more than once, and the span of its name
/// is not the user's token.
pub(crate) fn duplicate_names(cx: &Ctxt, ops: &[Operation]) {
    let ops: Vec<&Operation> = ops.iter().filter(|op| !op.in_helper()).collect();
    for (i, op) in ops.iter().enumerate() {
        let Some(name) = &op.name else { continue };
        let earlier = ops[..i].iter().find(|e| {
            e.scope == op.scope
                && e.name.as_ref().is_some_and(|n| n.value() == name.value())
                && !e.exclusive_with(op)
        });
        if let Some(first) = earlier {
            cx.error_at(
                name.span(),
                format!(
                    "duplicate operation name `{}`: an earlier {} in this context already uses it; names identify \
                     operations in the history, in test mocks and in the generated docs, so give each one a \
                     distinct name (e.g. `\"{}-2\"`)",
                    name.value(),
                    first.kind,
                    name.value()
                ),
            );
        }
    }
}

/// Cross-option checks of `#[step(..)]`.
pub(crate) fn step_args(cx: &Ctxt, args: &StepArgs) {
    if let (Some(_), Some(with)) = (&args.retry, &args.retry_with) {
        cx.error_at(
            with.span,
            "`retry` and `retry_with` both set the retry strategy; keep one: `retry = \"<preset>\"`, \
             `retry(..)`, or `retry_with = strategy_fn`",
        );
    }
    if let Some(retry) = &args.retry {
        if let Retry::Custom(custom) = &retry.value {
            if let (Some(initial), Some(max)) = (&custom.initial, &custom.max) {
                if max.value.0 < initial.value.0 {
                    cx.error_at(
                        max.span,
                        "`max` must not be shorter than `initial`: it caps the delay between attempts",
                    );
                }
            }
            if let (Some(attempts), true) = (
                &custom.max_attempts,
                custom.initial.is_some() || custom.max.is_some() || custom.backoff.is_some(),
            ) {
                if attempts.value == 1 {
                    cx.error_at(
                        attempts.span,
                        "`max_attempts = 1` never retries, so delays and backoff have no effect; use `retry = \"none\"`",
                    );
                }
            }
        }
    }
}

/// The generated workflow type must not clash with a type the signature names (the common
/// case: `async fn order(ctx, order: Order)` would generate a second `Order`).
/// Returns whether it clashes.
pub(crate) fn workflow_type_name(cx: &Ctxt, sig: &syn::Signature, type_name: &str) -> bool {
    struct Finder<'a> {
        name: &'a str,
        found: Option<syn::Ident>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_path_segment(&mut self, seg: &'ast syn::PathSegment) {
            if self.found.is_none() && seg.ident == self.name {
                self.found = Some(seg.ident.clone());
            }
            syn::visit::visit_path_segment(self, seg);
        }
    }
    let mut finder = Finder {
        name: type_name,
        found: None,
    };
    for input in &sig.inputs {
        if let syn::FnArg::Typed(pt) = input {
            syn::visit::visit_type(&mut finder, &pt.ty);
        }
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        syn::visit::visit_type(&mut finder, ty);
    }
    let clash = finder.found.is_some();
    if let Some(ident) = finder.found {
        cx.error_spanned_by(
            &sig.ident,
            format!(
                "`#[durable_workflow]` generates a type `{type_name}` for this workflow, which clashes with the \
                 type `{ident}` in its signature; rename the function (e.g. `process_{}`)",
                sig.ident
            ),
        );
    }
    clash
}
