//! Error accumulation shared by every phase: errors are collected, never returned early, so
//! the user sees all their mistakes at once.

use proc_macro2::Span;
use quote::ToTokens;
use std::cell::RefCell;
use std::fmt::Display;

/// Collects the errors of one macro invocation.
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    /// Records an error spanning `node`.
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&self, node: T, message: M) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(node.into_token_stream(), message));
    }

    /// Records an error at `span`.
    pub(crate) fn error_at<M: Display>(&self, span: Span, message: M) {
        self.errors.borrow_mut().push(syn::Error::new(span, message));
    }

    /// Records a parse error.
    pub(crate) fn syn_error(&self, error: syn::Error) {
        self.errors.borrow_mut().push(error);
    }

    /// How many errors have been recorded so far.
    pub(crate) fn count(&self) -> usize {
        self.errors.borrow().len()
    }

    /// All errors folded into one (`None` when there were none).
    pub(crate) fn finish(self) -> Option<syn::Error> {
        let mut errors = self.errors.into_inner().into_iter();
        let mut first = errors.next()?;
        for e in errors {
            first.combine(e);
        }
        Some(first)
    }
}
