//! Drives AWS's durable execution emulator (`dex-local-runner`, from PyPI's
//! `aws-durable-execution-sdk-python-testing`) with Lambda functions served by
//! `cargo lambda watch`.
//!
//! The `durable-emulator` command (`src/main.rs`) is the user-facing dev loop: it builds a
//! function crate, starts both servers, runs one execution, follows its history, answers its
//! callbacks by name and stops everything. The conformance harness (`durable-conformance
//! --backend emulator`) uses the same pieces:
//!
//! * [`tools`]: installs both tools (pinned) into a virtualenv, once;
//! * [`process`]: child processes stopped when dropped, free ports, readiness, log tails;
//! * [`server`]: starts the emulator and watch on free loopback ports, wired to each other;
//! * [`api`]: the emulator's HTTP API (start an execution, status, history, callbacks);
//! * [`history`]: callback names and a readable timeline of history events.
//!
//! The protocol and its pitfalls (the `Gn` notes in the comments) are described in
//! `../shared/reference/E2E.md`; the emulator's deviations from the service in
//! `docs/EMULATOR.md`.

pub mod api;
pub mod history;
pub mod process;
pub mod server;
pub mod tools;
