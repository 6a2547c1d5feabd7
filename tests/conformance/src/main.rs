//! `durable-conformance`: see the library docs.
fn main() -> std::process::ExitCode {
    durable_conformance::cli::main()
}
