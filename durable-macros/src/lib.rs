//! Procedural macros of **durable**: `#[durable_workflow]` and `#[step]`.
//!
//! Use them through `durable-runtime` (`use durable_runtime::prelude::*;`), where their
//! documentation lives. Generated code names everything through
//! `::durable_runtime::__private` (or the path given with `crate = ".."`).
//!
//! Each macro runs three phases: parse (`attr`, `ast`), check (`check`, `lint`) and expand
//! (`expand`). Errors are accumulated, and the user's function is always emitted so
//! rust-analyzer keeps working while the code has errors.

mod ast;
mod attr;
#[cfg(test)]
mod attr_props;
mod check;
mod ctxt;
mod expand;
mod lint;

use proc_macro::TokenStream;

/// Turns an `async fn(ctx: DurableContext, input: I) -> Result<O, DurableError>` into a
/// durable workflow. Documented on `durable_runtime::durable_workflow`.
#[proc_macro_attribute]
pub fn durable_workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::workflow::expand(args.into(), item.into()).into()
}

/// Turns an `async fn(owned args..) -> Result<T, E>` into a durable step definition.
/// Documented on `durable_runtime::step`.
#[proc_macro_attribute]
pub fn step(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::step::expand(args.into(), item.into()).into()
}
