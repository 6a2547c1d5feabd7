//! Codegen for `#[step]`: the function becomes a constructor returning a value that holds the
//! owned arguments (a struct of the same name, in the type namespace) and implements
//! `StepDefinition`, so `ctx.run(charge(card)).await?` runs it as a durable step.

use crate::ast::Step;
use crate::attr::{parse_step_args, Jitter, Retry, Semantics};
use crate::check;
use crate::ctxt::Ctxt;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

/// Entry point of `#[step]`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    // A body that does not parse yet is kept as the user's tokens (see `ast::parse_fn`); the
    // compiler reports its syntax error, and nothing here reads the body.
    let (item_fn, _body_error) = match crate::ast::parse_fn(item.clone()) {
        Ok(parsed) => parsed,
        Err(e) => {
            let e = syn::Error::new(
                e.span(),
                format!("`#[step]` must be placed on an `async fn`: {e}"),
            );
            let error = e.into_compile_error();
            return quote!(#item #error);
        }
    };
    let cx = Ctxt::default();
    let args = parse_step_args(&cx, args);
    let step = Step::from_syn(&cx, item_fn, args);
    check::step_args(&cx, &step.args);
    let generated = if step.signature_ok {
        generate(&step)
    } else {
        // Keep the function so the IDE still knows it; the errors explain what to fix.
        let original = &step.original;
        quote!(#original)
    };
    let errors = cx.into_compile_errors();
    quote!(#generated #errors)
}

fn generate(step: &Step) -> TokenStream {
    let original = &step.original;
    let ident = &original.sig.ident;
    let vis = &original.vis;
    let private = super::private(step.args.krate.as_ref().map(|k| &k.value));
    let name = step
        .args
        .name
        .as_ref()
        .map_or_else(|| ident.to_string(), |n| n.value.clone());
    let output = &step.output;

    let (docs, others): (Vec<&syn::Attribute>, Vec<&syn::Attribute>) =
        original.attrs.iter().partition(|a| a.path().is_ident("doc"));
    let cfgs: Vec<&&syn::Attribute> = others.iter().filter(|a| a.path().is_ident("cfg")).collect();
    let body_attrs: Vec<&&syn::Attribute> = others.iter().filter(|a| !a.path().is_ident("cfg")).collect();

    let fields = step.params.iter().filter(|p| !p.is_step_context).map(|p| {
        let field = &p.field;
        let ty = &p.ty;
        quote!(#field: #ty)
    });
    let ctor_params = step.params.iter().filter(|p| !p.is_step_context).map(|p| {
        let param = &p.ident;
        let ty = &p.ty;
        quote!(#param: #ty)
    });
    let ctor_fields = step.params.iter().filter(|p| !p.is_step_context).map(|p| {
        let field = &p.field;
        let param = &p.ident;
        quote!(#field: #param)
    });
    let step_cx = Ident::new("__durable_step", Span::mixed_site());
    let field_idents: Vec<&Ident> = step
        .params
        .iter()
        .filter(|p| !p.is_step_context)
        .map(|p| &p.field)
        .collect();
    let call_args: Vec<&Ident> = step
        .params
        .iter()
        .map(|p| if p.is_step_context { &step_cx } else { &p.field })
        .collect();

    let retry = retry_tokens(step, &private);
    let semantics = match step.args.semantics.as_ref().map(|s| s.value) {
        Some(Semantics::AtMostOnce) => quote!(#private::StepSemantics::AtMostOncePerRetry),
        Some(Semantics::AtLeastOnce) | None => quote!(#private::StepSemantics::AtLeastOncePerRetry),
    };

    // `retry_with` / `serdes` name functions; calling them at run time keeps any type the user
    // likes behind the `Arc<dyn ..>` the engine takes.
    let strategy_fn = step.args.retry_with.as_ref().map(|p| {
        let path = &p.value;
        quote! {
            fn retry_strategy(&self) -> ::core::option::Option<::std::sync::Arc<dyn #private::RetryStrategy>> {
                ::core::option::Option::Some(::std::sync::Arc::new(#path()))
            }
        }
    });
    let serdes_fn = step.args.serdes.as_ref().map(|p| {
        let path = &p.value;
        quote! {
            fn serdes(&self) -> ::core::option::Option<::std::sync::Arc<dyn #private::Serdes<Self::Value>>> {
                ::core::option::Option::Some(::std::sync::Arc::new(#path()))
            }
        }
    });
    let section = super::docs::step::section(&step.args, &ident.to_string());
    let struct_doc = format!(
        "The step `{name}` with its arguments, returned by [`{ident}()`]. Run it with \
         `ctx.run({ident}(..)).await`; see `StepDefinition`.\n{section}"
    );
    let must_use = format!("the step `{name}` does nothing until it is run with `ctx.run(..).await`");
    let mut body_fn = original.clone();
    body_fn.attrs.clear();
    body_fn.vis = syn::Visibility::Inherited;
    // Spanned at the signature so a non-`Send` body is reported on the user's function.
    let boxed = quote_spanned! {original.sig.span()=>
        ::std::boxed::Box::pin(async move {
            #private::StepReturn::into_result(#ident(#(#call_args),*).await)
        })
    };

    // Spanned at the declared return type, so a non-`Result` alias is reported there.
    let value_types = quote_spanned! {output.span()=>
        type Value = <#output as #private::StepReturn>::Value;
        type Error = <#output as #private::StepReturn>::Error;
    };

    quote! {
        #(#cfgs)*
        #[doc = #struct_doc]
        #[allow(non_camel_case_types)]
        #[must_use = #must_use]
        #vis struct #ident {
            #(#fields,)*
        }

        #(#cfgs)*
        #(#docs)*
        #[doc = #section]
        #vis fn #ident(#(#ctor_params),*) -> #ident {
            #ident { #(#ctor_fields,)* }
        }

        #(#cfgs)*
        #[automatically_derived]
        impl #private::StepDefinition for #ident {
            #value_types

            fn name(&self) -> &'static str {
                #name
            }

            fn retry_policy(&self) -> ::core::option::Option<#private::RetryPolicy> {
                #retry
            }

            fn semantics(&self) -> #private::StepSemantics {
                #semantics
            }

            #strategy_fn

            #serdes_fn

            fn call(
                self,
                #step_cx: #private::StepContext,
            ) -> #private::BoxFuture<'static, ::core::result::Result<Self::Value, Self::Error>> {
                // The body keeps its own signature, so `?`, `return` and inference work as
                // written; clippy's disallowed-methods list does not apply inside steps.
                #(#body_attrs)*
                #[allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::iter_over_hash_type)]
                #body_fn
                let _ = &#step_cx; // not every body asks for it
                let Self { #(#field_idents),* } = self;
                #boxed
            }
        }
    }
}

fn retry_tokens(step: &Step, private: &TokenStream) -> TokenStream {
    let Some(retry) = &step.args.retry else {
        return quote!(::core::option::Option::None);
    };
    let policy = match &retry.value {
        Retry::Preset(preset) => {
            let ctor = Ident::new(preset.constructor(), retry.span);
            quote!(#private::RetryPresets::#ctor())
        }
        Retry::Custom(custom) => {
            let mut policy = quote!(#private::RetryPolicy::exponential());
            if let Some(n) = &custom.max_attempts {
                let n = n.value;
                policy = quote!(#policy.max_attempts(#n));
            }
            if let Some(d) = &custom.initial {
                let ms = d.value.0;
                policy = quote!(#policy.initial_delay(::core::time::Duration::from_millis(#ms)));
            }
            if let Some(d) = &custom.max {
                let ms = d.value.0;
                policy = quote!(#policy.max_delay(::core::time::Duration::from_millis(#ms)));
            }
            if let Some(b) = &custom.backoff {
                let b = b.value;
                policy = quote!(#policy.backoff_rate(#b));
            }
            if let Some(j) = &custom.jitter {
                let variant = match j.value {
                    Jitter::Full => quote!(Full),
                    Jitter::Half => quote!(Half),
                    Jitter::None => quote!(None),
                };
                policy = quote!(#policy.jitter(#private::Jitter::#variant));
            }
            policy
        }
    };
    quote!(::core::option::Option::Some(#policy))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// While the user types, the body does not parse: the step keeps the user's tokens as its
    /// body (the compiler reports the syntax error) and its struct, constructor and impl.
    #[test]
    fn a_body_that_does_not_parse_is_kept_as_written() {
        let item = quote! {
            async fn charge(card: String) -> Result<u32, String> {
                let n = card.len();
                card.
            }
        };
        let out = super::expand(quote!(), item).to_string();
        assert!(out.contains("{ let n = card . len () ; card . }"), "{out}");
        assert!(out.contains("struct charge"), "{out}");
        assert!(out.contains("StepDefinition for charge"), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
    }
}
