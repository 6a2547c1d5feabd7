//! Codegen for `#[durable_workflow]`: the user's function (escape hatches stripped), plus a
//! unit struct named after it in `CamelCase` that implements `Workflow`.
//!
//! The function comes first in the expansion, as the user's tokens with their spans, and
//! nothing before or inside it depends on what its body says (its generated docs are read
//! from a macro defined after it): rust-analyzer completes inside the body by expanding the
//! macro again with a marker typed at the cursor, and finds the cursor in the real expansion
//! by its offset, so the text up to the cursor must be the same in both expansions.

use crate::ast::Workflow;
use crate::attr::parse_workflow_args;
use crate::ctxt::Ctxt;
use crate::{check, lint};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

/// Entry point of `#[durable_workflow]`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let (item_fn, body_error) = match crate::ast::parse_fn(item.clone()) {
        Ok(parsed) => parsed,
        Err(e) => {
            let e = syn::Error::new(
                e.span(),
                format!("`#[durable_workflow]` must be placed on an `async fn`: {e}"),
            );
            let error = e.into_compile_error();
            return quote!(#item #error);
        }
    };
    let cx = Ctxt::default();
    if let Some(e) = body_error {
        cx.error_at(
            e.span(),
            format!(
                "{e}: `#[durable_workflow]` cannot read this body, so it is not checked for nondeterminism"
            ),
        );
    }
    let args = parse_workflow_args(&cx, args);
    let mut workflow = Workflow::from_syn(&cx, item_fn, args);
    // `DURABLE_LINT=off` (build time) keeps everything but the lint's errors, only so the
    // corpus in `tests/determinism` can measure the other layers on their own.
    let scratch = Ctxt::default();
    let lint_cx = if lint_enabled() { &cx } else { &scratch };
    let original = &mut workflow.original;
    let file = lint::FileContext::of_invocation(&original.sig.ident.to_string());
    let ops = lint::lint_workflow(lint_cx, &original.sig, &mut original.block, file);
    let _ = scratch.finish();
    // The clippy layer (`durable-macros/recommended-clippy.toml`) bites in workflow bodies;
    // what runs as a step carries an `allow`. First, so an attribute of the user's wins.
    let lints = lint::clippy_lints();
    original.attrs.insert(0, syn::parse_quote!(#[warn(#lints)]));
    check::duplicate_names(&cx, &ops);
    let type_name = super::camel_case(&workflow.original.sig.ident.to_string());
    let clash = check::workflow_type_name(&cx, &workflow.original.sig, &type_name);
    let docs = super::docs::operations_doc(&ops, &workflow.original.sig.ident.to_string());
    // The section is defined after the function (see the module docs); a method cannot be
    // followed by a `macro_rules!` (its error says what to do).
    let docs_macro = if workflow.original.sig.receiver().is_none() {
        let ident = docs_macro_ident(&workflow.original.sig.ident);
        workflow
            .original
            .attrs
            .push(syn::parse_quote!(#[doc = #ident!()]));
        let cfgs: Vec<&syn::Attribute> = workflow
            .original
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("cfg"))
            .collect();
        let section = &docs.section;
        quote! {
            #(#cfgs)*
            #[doc(hidden)]
            macro_rules! #ident {
                () => { #section };
            }
            #(#cfgs)*
            #[doc(hidden)]
            use #ident;
        }
    } else {
        TokenStream::new()
    };
    let original = &workflow.original;
    let generated = if clash {
        // A second type of that name would only add a confusing error.
        TokenStream::new()
    } else {
        generate(&workflow, &docs, &ops)
    };
    let errors = cx.into_compile_errors();
    quote!(#original #docs_macro #generated #errors)
}

/// The `macro_rules!` that holds the function's "Durable operations" section:
/// `__durable_docs_process_order`. Its `use` gives it a path-based scope, so the function's
/// `#[doc = ..]`, written before it, can name it (in a module or in a block).
fn docs_macro_ident(fn_ident: &Ident) -> Ident {
    let name = fn_ident.to_string();
    format_ident!("__durable_docs_{}", name.trim_start_matches("r#"))
}

/// Whether the determinism lint reports (`DURABLE_LINT=off` at build time: not).
fn lint_enabled() -> bool {
    !matches!(option_env!("DURABLE_LINT"), Some("off"))
}

/// What follows the function: the workflow type, its `MANIFEST` and its `Workflow` impl.
fn generate(workflow: &Workflow, docs: &super::docs::OperationsDoc, ops: &[lint::Operation]) -> TokenStream {
    let original = &workflow.original;
    let fn_ident = &original.sig.ident;
    let vis = &original.vis;
    let private = super::private(workflow.args.krate.as_ref().map(|k| &k.value));
    let type_ident = format_ident!(
        "{}",
        super::camel_case(&fn_ident.to_string()),
        span = fn_ident.span()
    );
    let name = workflow
        .args
        .name
        .as_ref()
        .map_or_else(|| fn_ident.to_string(), |n| n.value.clone());
    let cfgs = original.attrs.iter().filter(|a| a.path().is_ident("cfg"));
    let doc = format!(
        "The durable workflow `{fn_ident}` (named `\"{name}\"`), generated by `#[durable_workflow]`: \
         pass it to a runtime, e.g. `TestRunner::new({type_ident})`."
    );
    let doc = format!("{doc}\n{}", docs.section);
    let cfgs2 = cfgs.clone();
    let strukt = quote! {
        #(#cfgs)*
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug, ::core::default::Default)]
        #vis struct #type_ident;
    };
    if !workflow.signature_ok {
        // Keep the type so call sites resolve (unless the function is a method: a struct
        // cannot be declared inside an `impl`); the errors explain what to fix.
        if original.sig.receiver().is_some() {
            return TokenStream::new();
        }
        return strukt;
    }
    let input = &workflow.input;
    let output = &workflow.output;
    let ctx = Ident::new("__durable_ctx", Span::mixed_site());
    let input_ident = Ident::new("__durable_input", Span::mixed_site());
    let call = if original.sig.inputs.len() >= 2 {
        quote!(#fn_ident(#ctx, #input_ident))
    } else {
        quote!({
            let () = #input_ident;
            #fn_ident(#ctx)
        })
    };
    // Spanned at the declared return type so a wrong error type points there.
    let convert = quote_spanned! {output.span()=>
        match #private::StepReturn::into_result(#call.await) {
            ::core::result::Result::Ok(value) => ::core::result::Result::Ok(value),
            ::core::result::Result::Err(error) => ::core::result::Result::Err(::core::convert::From::from(error)),
        }
    };
    let output_type = quote_spanned! {output.span()=>
        type Output = <#output as #private::StepReturn>::Value;
    };
    let manifest = super::docs::manifest(ops, &name, &docs.mermaid, &private);
    let cfgs3 = cfgs2.clone();
    quote! {
        #strukt

        #(#cfgs3)*
        impl #type_ident {
            /// This workflow's durable operations in source order, as `#[durable_workflow]`
            /// saw them (the same facts as the "Durable operations" section of its docs).
            #vis const MANIFEST: #private::WorkflowManifest = #manifest;
        }

        #(#cfgs2)*
        #[automatically_derived]
        impl #private::Workflow for #type_ident {
            type Input = #input;
            #output_type

            fn name(&self) -> &str {
                #name
            }

            // `From::from` is the identity when the function already returns `DurableError`.
            #[allow(clippy::useless_conversion)]
            fn run(
                &self,
                #ctx: #private::DurableContext,
                #input_ident: Self::Input,
            ) -> #private::BoxFuture<'static, ::core::result::Result<Self::Output, #private::DurableError>> {
                ::std::boxed::Box::pin(async move { #convert })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn docs_list_operations_in_source_order() {
        let item = quote! {
            async fn order(ctx: DurableContext, id: u32) -> Result<u32, DurableError> {
                let a: u32 = ctx.step("load", |_| async move { Ok::<_, String>(id) }).await?;
                ctx.run(charge(a)).await?;
                if a > 1 {
                    ctx.wait("cool-off", Duration::from_secs(5)).await?;
                }
                for i in 0..3 {
                    ctx.step(format!("item-{i}"), |_| async { Ok::<_, String>(()) }).await?;
                }
                ctx.run_in_child_context("group", |child| async move {
                    child.wait("inner", Duration::from_secs(1)).await
                })
                .await?;
                Ok(a)
            }
        };
        let out = super::expand(quote!(), item)
            .to_string()
            .replace("<wbr>", "")
            .replace("&#46;", ".");
        assert!(!out.contains("compile_error"), "{out}");
        for row in [
            "| 1 | step | `load` |  |",
            "| 2 | step | the `name` of the `#[step]` fn `charge()` (by default `charge`) |  |",
            "| 3 | wait | `cool-off` | if <code>a &gt; 1</code> |",
            "| 4 | step | `item-{i}` (`format!`) | repeated: <code>for i in 0..3</code> |",
            "| 5 | child context | `group` |  |",
            "| 6 | ↳ wait | `inner` | in #5 |",
        ] {
            assert!(out.contains(row), "missing {row:?} in {out}");
        }
        assert!(out.contains("struct Order"), "{out}");
    }

    /// Expands `source` (a workflow fn, as text) with `$$` removed, and with `$$` replaced
    /// by the marker rust-analyzer types at the cursor to complete there; returns both.
    fn expand_at(source: &str) -> (String, String) {
        let expand = |text: String| {
            let item: proc_macro2::TokenStream = text.parse().unwrap();
            super::expand(quote!(), item).to_string()
        };
        (
            expand(source.replace("$$", "")),
            expand(source.replace("$$", "intellijRulezz")),
        )
    }

    /// rust-analyzer completes inside the body by expanding it again with a marker typed at
    /// the cursor and finds the cursor in the real expansion by its offset: the expansion up to
    /// the marker must not change (it did when the fn carried docs read from its body: 0
    /// completions after `ctx.`).
    #[test]
    fn the_expansion_before_the_cursor_does_not_depend_on_what_follows() {
        let workflow = r#"
            /// Takes an order.
            async fn order(ctx: DurableContext, id: u32) -> Result<u32, DurableError> {
                fn double(x: u32) -> u32 { x * 2 }
                let a: u32 = ctx.$1step("load", |_| async move { Ok::<_, String>(id) }).await?;
                let body = |_| async move { Ok::<_, String>(1) };
                let b: u32 = ctx.$2step("bound", body).await?;
                let c = $3double(b);
                #[durable::allow_nondeterministic(reason = "logging only")]
                let _t = std::time::SystemTime::now();
                ctx.run_in_child_context("group", |child| async move {
                    child.$4wait("inner", Duration::from_secs(1)).await
                })
                .await?;
                ctx.$5wait("cool-off", Duration::from_secs(5)).await?;
                ctx.step("last", |_| async move { Ok::<_, String>(c.$6count_ones()) }).await?;
                Ok(a + b + c)
            }
        "#;
        for cursor in 1..=6 {
            let mut source = workflow.replace(&format!("${cursor}"), "$$");
            for other in 1..=6 {
                source = source.replace(&format!("${other}"), "");
            }
            let (actual, typed) = expand_at(&source);
            let at = typed.find("intellijRulezz").unwrap();
            // The same text, but for an attribute switched on in one and off in the other
            // (`cfg_attr(all(), ..)`, `cfg_attr(any(), ..)`): the same offsets.
            let same = |s: &str| s.replace("cfg_attr (all ()", "cfg_attr (any ()");
            assert_eq!(same(&actual[..at]), same(&typed[..at]), "cursor ${cursor}");
            assert!(!actual.contains("compile_error"), "{actual}");
        }
    }

    #[test]
    fn the_function_comes_first_with_its_body_as_written() {
        let item = quote! {
            async fn order(ctx: DurableContext, id: u32) -> Result<u32, DurableError> {
                let n = id + 1;
                ctx.wait("cool-off", Duration::from_secs(5)).await?;
                Ok(n)
            }
        };
        let body = match syn::parse2::<syn::ItemFn>(item.clone()) {
            Ok(f) => quote::ToTokens::to_token_stream(&f.block).to_string(),
            Err(e) => panic!("{e}"),
        };
        let out = super::expand(quote!(), item).to_string();
        let lints = crate::lint::clippy_lints();
        let head = quote!(#[warn(#lints)] #[doc = __durable_docs_order!()] async fn order).to_string();
        assert!(out.starts_with(&head), "{out}");
        assert!(out.contains(&body), "{out}");
        // The section the fn's doc names is defined after it, as is everything else.
        let fn_end = out.find(&body).unwrap() + body.len();
        assert!(
            out[fn_end..].contains("macro_rules ! __durable_docs_order"),
            "{out}"
        );
        assert!(out[fn_end..].contains("use __durable_docs_order ;"), "{out}");
        assert!(out[fn_end..].contains("struct Order"), "{out}");
    }

    /// While the user types, the body does not parse (`ctx.` with nothing after it): the
    /// expansion keeps the function with the user's tokens, the type and its impls, and says
    /// the body is not checked.
    #[test]
    fn a_body_that_does_not_parse_is_kept_as_written() {
        let item = quote! {
            async fn order(ctx: DurableContext, id: u32) -> Result<u32, DurableError> {
                let n = id + 1;
                ctx.
            }
        };
        let out = super::expand(quote!(), item).to_string();
        assert!(out.contains("{ let n = id + 1 ; ctx . }"), "{out}");
        assert!(out.contains("async fn order"), "{out}");
        assert!(out.contains("struct Order"), "{out}");
        assert!(
            out.contains("impl :: durable_runtime :: __private :: Workflow for Order"),
            "{out}"
        );
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
        assert!(out.contains("is not checked for nondeterminism"), "{out}");
    }

    #[test]
    fn errors_keep_the_function() {
        let item = quote! {
            fn order(ctx: DurableContext) -> u32 {
                let _ = std::time::SystemTime::now();
                1
            }
        };
        let out = super::expand(quote!(bogus = 1), item).to_string();
        assert!(out.contains("fn order"), "{out}");
        assert_eq!(out.matches("compile_error").count(), 4, "{out}");
    }
}
