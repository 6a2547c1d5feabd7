//! Error accumulation shared by every phase: errors are collected, never returned early, so
//! the user sees all their mistakes at once.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use std::cell::RefCell;
use std::fmt::Display;

/// Collects the errors of one macro invocation.
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: RefCell<Vec<Reported>>,
}

/// One recorded error, with where to draw it.
struct Reported {
    error: syn::Error,
    /// `(start, focus, end)` for an error on a node; `None` for a parse error.
    spans: Option<(Span, Span, Span)>,
}

impl Ctxt {
    /// Records an error spanning `node`.
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&self, node: T, message: M) {
        let tokens = node.into_token_stream();
        let spans = spans_of(&tokens);
        self.errors.borrow_mut().push(Reported {
            error: syn::Error::new_spanned(tokens, message),
            spans: Some(spans),
        });
    }

    /// Records an error at `span`.
    pub(crate) fn error_at<M: Display>(&self, span: Span, message: M) {
        self.errors.borrow_mut().push(Reported {
            error: syn::Error::new(span, message),
            spans: Some((span, span, span)),
        });
    }

    /// Records a parse error.
    pub(crate) fn syn_error(&self, error: syn::Error) {
        self.errors.borrow_mut().push(Reported { error, spans: None });
    }

    /// How many errors have been recorded so far.
    pub(crate) fn count(&self) -> usize {
        self.errors.borrow().len()
    }

    /// All errors folded into one (`None` when there were none).
    pub(crate) fn finish(self) -> Option<syn::Error> {
        let mut errors = self.errors.into_inner().into_iter().map(|r| r.error);
        let mut first = errors.next()?;
        for e in errors {
            first.combine(e);
        }
        Some(first)
    }

    /// All errors as `compile_error!` invocations (empty when there were none).
    pub(crate) fn into_compile_errors(self) -> TokenStream {
        let mut out = TokenStream::new();
        for reported in self.errors.into_inner() {
            match reported.spans {
                Some((start, focus, end)) => {
                    for message in reported.error {
                        out.extend(compile_error(&message.to_string(), start, focus, end));
                    }
                }
                None => out.extend(reported.error.into_compile_error()),
            }
        }
        out
    }
}

/// The first and last token's spans of `tokens`, and the span of the token that names it
/// (see [`compile_error`]).
fn spans_of(tokens: &TokenStream) -> (Span, Span, Span) {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let start = trees.first().map_or_else(Span::call_site, TokenTree::span);
    let end = trees.last().map_or(start, TokenTree::span);
    let focus = focus(&trees).map_or(start, |i| trees[i].span());
    (start, focus, end)
}

/// The index of the last identifier of the path a node starts with: `now` in
/// `std::time::SystemTime::now()`, `iter` in `iter()`, `HashMap` in `HashMap<K, V>`.
fn focus(trees: &[TokenTree]) -> Option<usize> {
    let is_path_sep = |i: usize| {
        matches!((trees.get(i), trees.get(i + 1)), (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
    };
    let mut i = if is_path_sep(0) { 2 } else { 0 };
    if !matches!(trees.get(i), Some(TokenTree::Ident(_))) {
        return None;
    }
    while is_path_sep(i + 1) && matches!(trees.get(i + 3), Some(TokenTree::Ident(_))) {
        i += 3;
    }
    Some(i)
}

/// `::core::compile_error! { "message" }`, spanned like `syn::Error::to_compile_error` (from
/// `start` to `end`, so rustc underlines the whole node) except for the macro's name, which
/// carries `focus`. rust-analyzer underlines only the token that holds a `compile_error!`'s
/// name, and a proc macro cannot join two spans into one on stable Rust: `focus` makes that
/// token the one naming the offending call (`now` rather than `std`).
fn compile_error(message: &str, start: Span, focus: Span, end: Span) -> TokenStream {
    let punct = |c: char, spacing: Spacing| {
        let mut p = Punct::new(c, spacing);
        p.set_span(start);
        TokenTree::Punct(p)
    };
    let mut literal = Literal::string(message);
    literal.set_span(end);
    let mut group = Group::new(Delimiter::Brace, TokenTree::Literal(literal).into());
    group.set_span(end);
    TokenStream::from_iter([
        punct(':', Spacing::Joint),
        punct(':', Spacing::Alone),
        TokenTree::Ident(Ident::new("core", start)),
        punct(':', Spacing::Joint),
        punct(':', Spacing::Alone),
        TokenTree::Ident(Ident::new("compile_error", focus)),
        punct('!', Spacing::Alone),
        TokenTree::Group(group),
    ])
}

#[cfg(test)]
mod tests {
    use super::Ctxt;

    #[test]
    fn compile_errors_name_the_offending_call() {
        let cx = Ctxt::default();
        let call: syn::Expr = syn::parse_quote!(std::time::SystemTime::now());
        cx.error_spanned_by(&call, "nondeterministic");
        cx.error_at(proc_macro2::Span::call_site(), "second");
        cx.syn_error(syn::Error::new(proc_macro2::Span::call_site(), "third"));
        let out = cx.into_compile_errors().to_string();
        assert_eq!(out.matches("compile_error").count(), 3, "{out}");
        assert!(out.contains("\"nondeterministic\""), "{out}");
    }

    #[test]
    fn the_focus_is_the_last_segment_of_the_leading_path() {
        let focus = |t: proc_macro2::TokenStream| {
            let trees: Vec<_> = t.into_iter().collect();
            super::focus(&trees).map(|i| trees[i].to_string())
        };
        let at = |s: &str| Some(s.to_owned());
        assert_eq!(focus(quote::quote!(std::time::SystemTime::now())), at("now"));
        assert_eq!(focus(quote::quote!(::std::fs::read("x"))), at("read"));
        assert_eq!(focus(quote::quote!(rand::random::<u8>())), at("random"));
        assert_eq!(focus(quote::quote!(iter x)), at("iter"));
        assert_eq!(focus(quote::quote!(HashMap<K, V>)), at("HashMap"));
        assert_eq!(focus(quote::quote!(COUNTER)), at("COUNTER"));
        assert_eq!(focus(quote::quote!(&x as usize)), None);
        assert_eq!(focus(quote::quote!()), None);
    }
}
