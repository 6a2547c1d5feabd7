//! Handlers: one per requirement (written by the engine author).
