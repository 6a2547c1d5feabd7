//! Registry of handlers (written by the engine author).
