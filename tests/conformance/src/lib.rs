//! The conformance harness: runs the YAML requirements of AWS's durable execution conformance
//! suite (`../shared/conformance/requirements`) against one of durable's backends and reports
//! one verdict per requirement.
//!
//! The pieces, in the order a requirement flows through them:
//! - [`requirement`] parses one YAML file into a typed [`requirement::Requirement`];
//! - [`placeholders`] binds `Variables` and `${NAME}` / `${/regex/}` / `${GEN_STR:n}` values;
//! - [`backend`] is the seam to the system under test: it runs one requirement and returns what
//!   it observed (status, result, history events, log records);
//! - [`matcher`] compares the observation with the expectation (PROTOCOL.md §6.2);
//! - [`runner`] drives a whole directory and [`report`] prints rows, JSON and the summary;
//! - [`registry`] maps requirement ids to Rust handlers, [`local`] runs them on the embedded
//!   engine, and [`handlers`] holds our handler for each requirement.

pub mod backend;
pub mod cli;
pub mod differential;
pub mod emulator;
pub mod handlers;
pub mod local;
pub mod matcher;
pub mod placeholders;
pub mod registry;
pub mod report;
pub mod requirement;
pub mod runner;
