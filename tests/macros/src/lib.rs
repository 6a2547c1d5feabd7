//! Tests of durable's macros live in `tests/`; this library is empty.
