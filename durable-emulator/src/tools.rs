//! AWS's emulator and cargo-lambda, pinned, in a virtualenv of their own.

use crate::process::run_quiet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `aws-durable-execution-sdk-python-testing`, which provides `dex-local-runner`.
pub const DEX_PACKAGE: &str = "aws-durable-execution-sdk-python-testing==1.4.0";
/// `cargo-lambda` (its PyPI wheel), which provides `cargo lambda watch`.
pub const CARGO_LAMBDA_PACKAGE: &str = "cargo-lambda==1.9.2";

/// The file in the virtualenv naming the packages installed into it.
const PINS: &str = ".durable-emulator-pins";

/// The two tools in a virtualenv (by default `TARGET_DIR/emulator/venv`).
#[derive(Clone, Debug)]
pub struct Tools {
    venv: PathBuf,
}

impl Tools {
    /// The tools in the virtualenv `venv` (installed there by [`Tools::install`]).
    pub fn at(venv: impl Into<PathBuf>) -> Self {
        Tools { venv: venv.into() }
    }

    /// The tools in `TARGET_DIR/emulator/venv`, where the conformance harness puts them too.
    pub fn in_target_dir(target_dir: &Path) -> Self {
        Tools::at(target_dir.join("emulator/venv"))
    }

    /// The virtualenv.
    pub fn venv(&self) -> &Path {
        &self.venv
    }

    /// `dex-local-runner`, AWS's durable execution emulator.
    pub fn dex_local_runner(&self) -> PathBuf {
        self.venv.join("bin/dex-local-runner")
    }

    /// `cargo-lambda`, run as `cargo-lambda lambda watch`.
    pub fn cargo_lambda(&self) -> PathBuf {
        self.venv.join("bin/cargo-lambda")
    }

    /// Whether both tools are there, in the pinned versions.
    pub fn installed(&self) -> bool {
        self.dex_local_runner().exists()
            && self.cargo_lambda().exists()
            && std::fs::read_to_string(self.venv.join(PINS)).is_ok_and(|p| p == pins())
    }

    /// Creates the virtualenv (Python ≥ 3.11) and installs both tools, unless they are there.
    /// An existing virtualenv is reused: pip leaves pinned packages already present alone.
    pub fn install(&self) -> Result<(), String> {
        if self.installed() {
            return Ok(());
        }
        if !self.venv.join("bin/pip").exists() {
            if let Some(parent) = self.venv.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            let python = python()?;
            run_quiet(
                Command::new(python).args(["-m", "venv"]).arg(&self.venv),
                "python -m venv",
            )?;
        }
        run_quiet(
            Command::new(self.venv.join("bin/pip")).args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                DEX_PACKAGE,
                CARGO_LAMBDA_PACKAGE,
            ]),
            "pip install",
        )?;
        std::fs::write(self.venv.join(PINS), pins()).map_err(|e| e.to_string())
    }
}

fn pins() -> String {
    format!("{DEX_PACKAGE}\n{CARGO_LAMBDA_PACKAGE}\n")
}

/// The first Python ≥ 3.11 on `PATH` (the emulator needs it).
fn python() -> Result<&'static str, String> {
    ["python3.11", "python3.12", "python3.13", "python3.14", "python3"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .args(["-c", "import sys; assert sys.version_info >= (3, 11)"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .ok_or_else(|| "AWS's emulator needs Python >= 3.11 (python3.11 or newer on PATH)".to_owned())
}
