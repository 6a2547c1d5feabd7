//! `durable`: the command line of the local engine, with every example workflow registered:
//! `process-order` (the main example), the seed's workflows (`order-reminder`,
//! `process-large-dataset`, `reliable-api-call`, `approval`, `parallel-processing`,
//! `data-pipeline`, `booking-saga`, `cost-optimized-batching`, `migrated-order-workflow`),
//! `onboarding` (the quickstart's), and `crash-mix` and `crash-audit` (the crash test's).
//!
//! ```text
//! cargo run -p durable-examples --bin durable -- start onboarding --input '"Ada"' --wait
//! cargo run -p durable-examples --bin durable -- worker
//! cargo run -p durable-examples --bin durable -- list
//! ```
//!
//! See `durable_runtime::cli` for every command and the exit codes.

use durable_examples::{
    approval, batching, booking, dataset, external_api, parallel, pipeline, reminder, step_functions,
    workflows,
};
use std::process::ExitCode;

fn main() -> ExitCode {
    durable_runtime::cli::main(|engine| {
        engine.register_workflow(durable_examples::order::ProcessOrder);
        engine.register_workflow(reminder::OrderReminder);
        engine.register_workflow(dataset::ProcessLargeDataset);
        engine.register_workflow(external_api::ReliableApiCall);
        engine.register_workflow(approval::Approval);
        engine.register_workflow(parallel::ParallelProcessing);
        engine.register_workflow(pipeline::DataPipeline);
        engine.register_workflow(booking::BookingSaga);
        engine.register_workflow(batching::CostOptimizedBatching);
        engine.register_workflow(step_functions::OrderWorkflow);
        engine.register_workflow(workflows::onboarding());
        engine.register_workflow(workflows::crash_mix());
        engine.register_workflow(workflows::crash_audit());
    })
}
