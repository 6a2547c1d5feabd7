//! The engine's own wall clock, used only for bookkeeping (local timestamps, the large-result
//! id), never for values workflow code sees.

/// Milliseconds since the Unix epoch (0 if the system clock is before it).
pub(crate) fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
