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
