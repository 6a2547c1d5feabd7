//! Service limits (PROTOCOL.md §1.4).

/// Largest Lambda response: `6 MiB − 50 B`. Larger results go through an `EXECUTION` checkpoint.
pub const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024 - 50;
/// Largest child-context result stored in a checkpoint; above it the context succeeds with
/// `ReplayChildren` and its children are replayed to rebuild the value.
pub const CHILD_RESULT_INLINE_BYTES: usize = 256 * 1024;
/// Largest `Payload` of one asynchronous operation update (step, context, callback, invoke).
pub const MAX_OPERATION_PAYLOAD_BYTES: usize = 1024 * 1024;
/// Largest synchronous `EXECUTION` payload.
pub const MAX_EXECUTION_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;
/// Most updates in one `CheckpointDurableExecution` call.
pub const MAX_BATCH_UPDATES: usize = 250;
/// Largest body of one `CheckpointDurableExecution` call.
pub const MAX_BATCH_BYTES: usize = 750 * 1024;
/// Shortest durable wait.
pub const MIN_WAIT_SECONDS: u64 = 1;
/// Longest durable wait (366 days).
pub const MAX_WAIT_SECONDS: u64 = 31_622_400;
/// Largest serialized `Error` the emulator accepts on an update.
pub const MAX_ERROR_BYTES: usize = 32_768;
