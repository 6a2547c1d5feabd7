//! The user guide (`docs/guide.md`), included here so `cargo doc` renders it and
//! `cargo test --doc -p durable-examples` compiles every Rust block in it.
#![doc = include_str!("../../docs/guide.md")]
