//! `durable`: the command line of the local engine, with every example workflow registered:
//! `process-order` (the main example), the seed's workflows (`order-reminder`,
//! `process-large-dataset`, `reliable-api-call`, `approval`, `parallel-processing`,
//! `data-pipeline`, `booking-saga`, `cost-optimized-batching`, `migrated-order-workflow`),
//! `onboarding` (the quickstart's), `crash-mix` and `crash-audit` (the crash test's), and
//! `sign-offs` (callbacks answered by name).
//!
//! ```text
//! cargo run -p durable-examples --bin durable -- start onboarding --input '"Ada"' --wait
//! cargo run -p durable-examples --bin durable -- worker
//! cargo run -p durable-examples --bin durable -- list
//! ```
//!
//! See `durable_runtime::cli` for every command and the exit codes.

use std::process::ExitCode;

fn main() -> ExitCode {
    durable_runtime::cli::main(durable_examples::register_all)
}
