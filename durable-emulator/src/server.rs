//! AWS's emulator and `cargo lambda watch`, started on free loopback ports and wired to
//! each other (E2E.md §4 and §9).

use crate::api::{request, Dex};
use crate::process::{free_port, Guard};
use crate::tools::Tools;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How to start the two servers.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where `dex-local-runner` and `cargo-lambda` are (installed).
    pub tools: Tools,
    /// The function crate's directory: watch runs there and serves its binaries, each as the
    /// function of its name (G1).
    pub crate_dir: PathBuf,
    /// A binary of that crate, probed for watch's readiness.
    pub probe_function: String,
    /// More arguments for `cargo lambda watch` (`--features`, `--release`, ...): the build
    /// options the function was built with, so watch does not build it again (G10).
    pub watch_args: Vec<String>,
    /// Where `dex.log` and `watch.log` go (created).
    pub out_dir: PathBuf,
    /// More environment for watch, which passes its own on to the functions.
    pub env: Vec<(String, String)>,
    /// Environment for the functions, over what they inherit from watch (`RUST_LOG` here is
    /// the functions' level, not watch's own).
    pub function_env: Vec<(String, String)>,
    /// `dex-local-runner --function-configs`: per function name, its configuration
    /// (`{"DurableConfig": {"ExecutionTimeout": 60, ..}}`), for chained-invoke targets.
    pub function_configs: Map<String, Value>,
    /// How long one invocation may take: watch's `--timeout`; the emulator's
    /// `--invocation-timeout` is twice that (G9: watch's must be the smaller).
    pub invocation_timeout: Duration,
    /// `dex-local-runner --log-level`.
    pub log_level: String,
    /// How many times to try when a process exits right after start-up (a port race, G16).
    pub attempts: usize,
}

impl Config {
    /// Defaults for a crate directory and one of its binaries.
    pub fn new(tools: Tools, crate_dir: impl Into<PathBuf>, probe_function: impl Into<String>) -> Self {
        Config {
            tools,
            crate_dir: crate_dir.into(),
            probe_function: probe_function.into(),
            watch_args: Vec::new(),
            out_dir: std::env::temp_dir().join(format!("durable-emulator-{}", std::process::id())),
            env: Vec::new(),
            function_env: Vec::new(),
            function_configs: Map::new(),
            invocation_timeout: Duration::from_secs(30),
            log_level: "WARNING".into(),
            attempts: 3,
        }
    }
}

/// The two running servers. Dropping it stops watch (its functions exit with it), then the
/// emulator.
#[derive(Debug)]
pub struct Emulator {
    // Dropped in declaration order.
    watch: Guard,
    dex: Guard,
    dex_port: u16,
    lambda_port: u16,
}

impl Emulator {
    /// Starts the emulator, then watch, each once ready (health 200, and 405 for a `GET` of
    /// the probe function's invocation route), retrying start-up if either exits right after.
    pub fn start(config: &Config) -> Result<Emulator, String> {
        std::fs::create_dir_all(&config.out_dir).map_err(|e| format!("{}: {e}", config.out_dir.display()))?;
        let mut last = String::new();
        for _ in 0..config.attempts.max(1) {
            match Self::start_once(config) {
                Ok(e) => return Ok(e),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn start_once(config: &Config) -> Result<Emulator, String> {
        let dex_port = free_port()?;
        let lambda_port = free_port()?;
        if dex_port == lambda_port {
            return Err("the same free port twice".into());
        }
        let timeout = config.invocation_timeout.as_secs().max(1);
        let mut dex = Guard::spawn(
            Command::new(config.tools.dex_local_runner())
                .args(["start-server", "--host", "127.0.0.1"])
                .args(["--port", &dex_port.to_string()])
                .args(["--lambda-endpoint", &format!("http://127.0.0.1:{lambda_port}")])
                // Real time, not `--skip-time`: time skipping records the suspending
                // invocation's completion after the timer it skipped (E2E.md §6) and
                // reorders callbacks against waits (D10); see docs/EMULATOR.md.
                .args(["--invocation-timeout", &(2 * timeout).to_string()])
                .args(["--log-level", &config.log_level])
                .args([
                    "--function-configs",
                    &Value::Object(config.function_configs.clone()).to_string(),
                ])
                // G6: it signs its Invoke calls.
                .env("AWS_ACCESS_KEY_ID", "x")
                .env("AWS_SECRET_ACCESS_KEY", "x"),
            "dex-local-runner",
            config.out_dir.join("dex.log"),
        )?;
        let api = Dex { port: dex_port };
        dex.wait_ready(Duration::from_secs(20), || api.healthy())?;
        let mut watch_cmd = Command::new(config.tools.cargo_lambda());
        watch_cmd
            .current_dir(&config.crate_dir)
            .args([
                "lambda",
                "watch",
                "-A",
                "127.0.0.1",
                "-P",
                &lambda_port.to_string(),
            ])
            .args(["--ignore-changes", "--timeout", &timeout.to_string()])
            .args(&config.watch_args)
            // G5: the functions checkpoint to the emulator, with any credentials and region.
            .env("AWS_ENDPOINT_URL_LAMBDA", api.endpoint())
            .env("AWS_ACCESS_KEY_ID", "x")
            .env("AWS_SECRET_ACCESS_KEY", "x")
            .env("AWS_REGION", "us-west-2")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_PROFILE");
        for (k, v) in &config.env {
            watch_cmd.env(k, v);
        }
        // watch reads an env file into its own environment too, so a `RUST_LOG` there would
        // also set watch's log level; `--env-var` reaches the function only, but splits its
        // value at commas.
        let (direct, file): (Vec<_>, Vec<_>) = config
            .function_env
            .iter()
            .cloned()
            .partition(|(k, v)| k == "RUST_LOG" && !v.contains(','));
        for (k, v) in direct {
            watch_cmd.arg(format!("--env-var={k}={v}"));
        }
        if !file.is_empty() {
            let path = config.out_dir.join("function.env");
            std::fs::write(&path, env_file(&file)?).map_err(|e| format!("{}: {e}", path.display()))?;
            watch_cmd.arg("--env-file").arg(path);
        }
        let mut watch = Guard::spawn(
            &mut watch_cmd,
            "cargo lambda watch",
            config.out_dir.join("watch.log"),
        )?;
        let probe = format!("/2015-03-31/functions/{}/invocations", config.probe_function);
        watch.wait_ready(Duration::from_secs(20), || {
            request(lambda_port, "GET", &probe, None).is_ok_and(|(s, _)| s == 405)
        })?;
        // A busy port makes watch exit 0 after its probe was answered by someone else (G16).
        std::thread::sleep(Duration::from_millis(200));
        if !watch.alive() || !dex.alive() {
            return Err("an emulator process exited right after start-up (port taken?)".into());
        }
        Ok(Emulator {
            watch,
            dex,
            dex_port,
            lambda_port,
        })
    }

    /// The emulator's API.
    pub fn dex(&self) -> Dex {
        Dex { port: self.dex_port }
    }

    /// Watch's port (Lambda's Invoke API).
    pub fn lambda_port(&self) -> u16 {
        self.lambda_port
    }

    /// The emulator's log.
    pub fn dex_log(&self) -> &Path {
        self.dex.log()
    }

    /// Watch's log: cargo's output and the functions' own.
    pub fn watch_log(&self) -> &Path {
        self.watch.log()
    }

    /// Whether both still run and no function process has exited (a crashed function
    /// wedges watch, which never respawns it: G9).
    pub fn healthy(&mut self) -> Result<(), String> {
        if !self.dex.alive() {
            return Err("dex-local-runner exited".into());
        }
        if !self.watch.alive() {
            return Err("cargo lambda watch exited".into());
        }
        if watch_wedged(self.watch.log()) {
            return Err(
                "a function process exited (crashed); cargo lambda watch does not start it again".into(),
            );
        }
        Ok(())
    }
}

/// `KEY='value'` lines for watch's `--env-file` (single quotes keep a value literal; a
/// value holding one is double-quoted, where only `\"` is an escape).
fn env_file(vars: &[(String, String)]) -> Result<String, String> {
    let mut out = String::new();
    for (k, v) in vars {
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{k}` is not an environment variable's name"));
        }
        if v.contains('\n') || (v.contains('\'') && v.contains(['\\', '$'])) {
            return Err(format!(
                "the value of {k} cannot be passed to the function: {v:?}"
            ));
        }
        if v.contains('\'') {
            out.push_str(&format!("{k}=\"{}\"\n", v.replace('"', "\\\"")));
        } else {
            out.push_str(&format!("{k}='{v}'\n"));
        }
    }
    Ok(out)
}

/// A crashed function process wedges watch (G9).
fn watch_wedged(log: &Path) -> bool {
    std::fs::read_to_string(log).is_ok_and(|t| t.contains("command exited code="))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files_keep_values_literal() {
        let vars = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert_eq!(
            env_file(&vars(&[
                ("RUST_LOG", "info,durable=debug"),
                ("A", "x\"y $HOME\\z")
            ]))
            .unwrap(),
            "RUST_LOG='info,durable=debug'\nA='x\"y $HOME\\z'\n"
        );
        assert_eq!(
            env_file(&vars(&[("B", "it's \"so\"")])).unwrap(),
            "B=\"it's \\\"so\\\"\"\n"
        );
        assert!(env_file(&vars(&[("C", "a\nb")])).is_err());
        assert!(env_file(&vars(&[("a-b", "x")])).is_err());
    }
}
