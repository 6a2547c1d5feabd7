//! Runnable examples of durable workflows: each module is one workflow from the seed article,
//! written with the macro DSL, with its tests under `tests/`.

pub mod approval;
pub mod batching;
pub mod booking;
pub mod dataset;
pub mod external_api;
pub mod guide;
pub mod order;
pub mod parallel;
pub mod pipeline;
pub mod reminder;
pub mod step_functions;
pub mod workflows;

/// Registers every example workflow on `engine` (the `durable` CLI and the `run` binary share
/// this list).
pub fn register_all(engine: &durable_runtime::local::LocalEngine) {
    engine.register_workflow(order::ProcessOrder);
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
    engine.register_workflow(workflows::sign_offs());
}
