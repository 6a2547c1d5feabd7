//! `durable`: the command line of the local engine, with the example workflows registered:
//! `process-order` (the main example), `onboarding` (the quickstart's), and `crash-mix` and
//! `crash-audit` (the crash test's workload).
//!
//! ```text
//! cargo run -p durable-examples --bin durable -- start onboarding --input '"Ada"' --wait
//! cargo run -p durable-examples --bin durable -- worker
//! cargo run -p durable-examples --bin durable -- list
//! ```
//!
//! See `durable_runtime::cli` for every command and the exit codes.

use durable_examples::workflows;
use std::process::ExitCode;

fn main() -> ExitCode {
    durable_runtime::cli::main(|engine| {
        engine.register_workflow(durable_examples::order::ProcessOrder);
        engine.register_workflow(workflows::onboarding());
        engine.register_workflow(workflows::crash_mix());
        engine.register_workflow(workflows::crash_audit());
    })
}
