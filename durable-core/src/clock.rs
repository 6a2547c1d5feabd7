//! The wall clock of an execution: what `ctx.now()` records and what log records and local
//! timestamps are stamped with. A backend sets it on
//! [`ExecutionConfig::clock`](crate::ExecutionConfig::clock): the system clock on Lambda and
//! on a worker, the engine's virtual clock under the test runner, so deadline and SLA logic
//! can be tested with time skipping.

/// A source of wall-clock time for an execution.
pub trait WallClock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
}

/// The system's wall clock (the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemWallClock;

impl WallClock for SystemWallClock {
    fn now_millis(&self) -> i64 {
        now_millis()
    }
}

/// Milliseconds since the Unix epoch on the system clock (0 if the clock is before it).
pub(crate) fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
