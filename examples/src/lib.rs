//! Runnable examples of durable workflows: each module is one workflow from the seed article,
//! written with the macro DSL, with its tests under `tests/`.

pub mod order;
