//! The `durable-conformance` command line.
//!
//! ```text
//! durable-conformance --requirements DIR [--backend local] [--suite NAME]... [--only ID]... [--json]
//! ```
//! Exit code 0 when nothing `FAILED`, 1 when something did, 2 on a usage or loading error.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use crate::backend::Backend;
use crate::report::{self, Summary};
use crate::requirement;
use crate::runner;

/// The backends [`crate::local::backend_for`] knows, for error messages.
pub const KNOWN_BACKENDS: &[&str] = &["local", "emulator", "differential"];

/// Runs AWS's durable execution conformance requirements against one of durable's backends.
#[derive(Debug, Parser)]
#[command(name = "durable-conformance")]
struct Args {
    /// Directory of requirement files (`<suite>/<id>.yaml`).
    #[arg(long, value_name = "DIR")]
    requirements: PathBuf,
    /// Backend to run against.
    #[arg(long, value_name = "NAME", default_value = "local")]
    backend: String,
    /// Only this suite (repeatable), e.g. `step`.
    #[arg(long = "suite", value_name = "NAME")]
    suites: Vec<String>,
    /// Only this requirement id (repeatable), e.g. `1-1`.
    #[arg(long = "only", value_name = "ID")]
    only: Vec<String>,
    /// Print one JSON object per requirement and a final summary object.
    #[arg(long)]
    json: bool,
}

/// The binary's entry point: parses `std::env::args`, uses [`crate::local::backend_for`].
pub fn main() -> ExitCode {
    let code = run(
        std::env::args_os(),
        &crate::local::backend_for,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}

/// The command with its inputs injected (for tests): `args` includes the program name, and
/// `backend_for` resolves `--backend`. Returns the exit code.
pub fn run<I, T>(
    args: I,
    backend_for: &dyn Fn(&str) -> Option<Box<dyn Backend>>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            // `--help` / `--version` are "errors" that go to stdout with exit code 0.
            if e.use_stderr() {
                let _ = write!(err, "{}", e.render());
                return 2;
            }
            let _ = write!(out, "{}", e.render());
            return 0;
        }
    };
    match execute(&args, backend_for, out) {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            2
        }
    }
}

fn execute(
    args: &Args,
    backend_for: &dyn Fn(&str) -> Option<Box<dyn Backend>>,
    out: &mut dyn Write,
) -> Result<u8, String> {
    let backend = backend_for(&args.backend).ok_or_else(|| {
        format!(
            "unknown backend '{}'; available backends: {}",
            args.backend,
            KNOWN_BACKENDS.join(", ")
        )
    })?;
    let all = requirement::load_dir(&args.requirements)?;
    let selected = requirement::select(all, &args.suites, &args.only)?;
    if selected.is_empty() {
        return Err("no requirement matches the given --suite/--only filters".to_owned());
    }
    let started = Instant::now();
    let mut write_error = None;
    let verdicts = runner::run_all(&selected, backend.as_ref(), &mut |verdict| {
        let line = if args.json {
            report::json_row(verdict)
        } else {
            report::human_row(verdict)
        };
        if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
            write_error.get_or_insert(e);
        }
    });
    let summary = Summary::of(&verdicts);
    let last = if args.json {
        report::json_summary(&summary)
    } else {
        report::human_summary(&summary, backend.name(), started.elapsed())
    };
    let written = writeln!(out, "{last}");
    if let Some(e) = write_error.or(written.err()) {
        return Err(format!("cannot write the report: {e}"));
    }
    Ok(if summary.ok() { 0 } else { 1 })
}
