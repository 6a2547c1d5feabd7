#!/usr/bin/env bash
# Measures what each layer of durable's determinism checks catches on the corpus in
# `corpus/` and prints the catch rates:
#   1. the `#[durable_workflow]` lint (in process, every snippet through the macro's lint),
#   2. the clippy layer: `durable-macros/recommended-clippy.toml` with the two lints allowed
#      crate-wide, as the docs tell users to set it up (the macro turns them on in workflows),
#   3. the test runner's replay check (every snippet run under `TestRunner`).
# Layers 2 and 3 build the corpus with `DURABLE_LINT=off` (the lint's errors dropped, nothing
# else changed) in their own target dir. Writes `corpus/expected.tsv` (the verdicts the tests
# pin) unless `--no-write` is given.
#
# `--corpus DIR` measures another corpus of the same layout (a held-out one kept outside the
# repository) through all three layers; it never writes `expected.tsv`.
set -euo pipefail
cd "$(dirname "$0")/../.."
write=1
corpus="$PWD/tests/determinism/corpus"
out=target/determinism/report
while [[ $# -gt 0 ]]; do
    case "$1" in
    --no-write) write=0 ;;
    --corpus)
        corpus="$(cd "$2" && pwd)"
        shift
        write=0
        out=target/determinism/report-$(basename "$corpus")
        export DURABLE_CORPUS_DIR="$corpus"
        ;;
    *)
        echo "measure.sh: unknown argument $1 (use --no-write, --corpus DIR)" >&2
        exit 2
        ;;
    esac
    shift
done

mkdir -p "$out" target/determinism/clippy-conf
cp durable-macros/recommended-clippy.toml target/determinism/clippy-conf/clippy.toml

echo "== layer 1: the macro's lint" >&2
DURABLE_CORPUS_REPORT="$PWD/$out/macro.tsv" cargo test -q -p durable-runtime-macros --lib lint::corpus >/dev/null 2>&1 || true
test -s "$out/macro.tsv"

echo "== layer 2: clippy with the recommended configuration" >&2
# Clippy must re-check the corpus crate every time: touch it.
touch tests/determinism/src/lib.rs
DURABLE_LINT=off CARGO_TARGET_DIR=target/determinism CLIPPY_CONF_DIR="$PWD/target/determinism/clippy-conf" \
    cargo clippy -q -p durable-determinism --features all-snippets --message-format=json -- \
    -A clippy::disallowed_methods -A clippy::disallowed_types >"$out/clippy.json" 2>"$out/clippy.stderr" || {
    cat "$out/clippy.stderr" >&2
    exit 1
}

echo "== layer 3: the replay check" >&2
DURABLE_LINT=off CARGO_TARGET_DIR=target/determinism \
    cargo run -q -p durable-determinism --features all-snippets --bin replay_report >"$out/replay.tsv"

python3 tests/determinism/aggregate.py "$out" "$corpus" "$write"
