//! The expansion must not depend on prelude names: shadow them all.
#![allow(dead_code, non_camel_case_types)]

use durable_runtime::prelude::{durable_workflow, step, DurableContext, DurableError};

struct Result;
struct Ok;
struct Err;
struct Option;
struct Some;
struct None;
struct Box;
struct String;
struct Vec;
struct Send;
struct Sync;
struct Clone;
struct Copy;
struct Debug;
struct Default;
struct From;
struct Into;
struct Duration;
mod core {}
mod std {}

#[step(retry(max_attempts = 2, initial = "1s", jitter = "none"), semantics = "at_most_once")]
async fn charge(cents: u64) -> ::core::result::Result<u64, ::std::string::String> {
    ::core::result::Result::Ok(cents)
}

#[step(retry = "critical")]
async fn nothing() -> ::core::result::Result<(), ::std::string::String> {
    ::core::result::Result::Ok(())
}

#[durable_workflow(name = "hygiene")]
async fn hygiene(ctx: DurableContext, cents: u64) -> ::core::result::Result<u64, DurableError> {
    ctx.run(nothing()).await?;
    ctx.run(charge(cents)).await
}

fn main() {
    let _ = Hygiene;
}
