//! Time for the local engine: real, or virtual so tests skip waits and retry delays.

use std::sync::atomic::{AtomicI64, Ordering};

/// A source of "now" for the engine.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
    /// Moves time forward to at least `t` (virtual clocks jump; the real clock cannot and
    /// reports `false` so the caller sleeps instead).
    fn advance_to(&self, t: i64) -> bool;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }

    fn advance_to(&self, _t: i64) -> bool {
        false
    }
}

/// A clock that only moves when told to: waits and retry timers complete instantly while the
/// recorded timestamps and durations stay what they would have been.
#[derive(Debug)]
pub struct VirtualClock {
    now: AtomicI64,
}

impl VirtualClock {
    /// Starts at the current wall-clock time.
    pub fn new() -> Self {
        VirtualClock {
            now: AtomicI64::new(SystemClock.now_ms()),
        }
    }

    /// Starts at `t`.
    pub fn starting_at(t: i64) -> Self {
        VirtualClock {
            now: AtomicI64::new(t),
        }
    }

    /// Moves time forward by `ms`.
    pub fn advance_by(&self, ms: i64) {
        self.now.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for VirtualClock {
    fn now_ms(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }

    fn advance_to(&self, t: i64) -> bool {
        self.now.fetch_max(t, Ordering::SeqCst);
        true
    }
}

/// The engine's clock as an execution's wall clock (`ctx.now()`, log timestamps).
pub(crate) struct EngineWallClock(pub(crate) std::sync::Arc<dyn Clock>);

impl durable_core::WallClock for EngineWallClock {
    fn now_millis(&self) -> i64 {
        self.0.now_ms()
    }
}
