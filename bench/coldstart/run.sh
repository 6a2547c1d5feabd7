#!/usr/bin/env bash
# Lambda binary size and cold start: the order workflow as a Lambda function, ours against
# AWS's official Rust SDK's equivalent, under Cargo's default release profile and the Lambda
# release profiles the guide (§11) documents. Writes bench/coldstart/RESULTS.md and puts it
# into docs/BENCHMARKS.md (bench/report.py includes the same file when it regenerates that
# page).
#
#   bash bench/coldstart/run.sh                      # build everything, measure, write
#   COLDSTART_RUNS=100 bash bench/coldstart/run.sh
#   COLDSTART_PROFILES="release lambda-thin" bash bench/coldstart/run.sh
#   COLDSTART_SKIP_BUILD=1 bash bench/coldstart/run.sh   # measure what is already built
#
# The functions (each with the same operations: validate-payment, check-inventory,
# reserve-inventory, wait_for_callback warehouse-<id>, process-shipping, send-confirmation):
#   example   examples/src/bin/order_lambda.rs, as shipped: the workspace's durable-examples
#             crate with `--features lambda`, durable-runtime with its default features
#             (SQLite, CLI) and the workspace's release profile (line tables);
#   lean      bench/coldstart/durable-order: the same workflow source over durable-runtime with
#             `default-features = false, features = ["lambda"]` (what the guide documents);
#   official  bench/coldstart/official-order: the same workflow written against
#             aws-durable-execution-sdk 0.1.0 (crates.io).
# The two standalone crates have their own [workspace] and Cargo.lock.
#
# Profiles (given with `cargo --config`, identically for every crate; strip happens after the
# build with binutils `strip`, which matches `strip = true`, so both sizes are measured):
#   release       Cargo's default release profile (for `example`: the workspace's, which adds
#                 debug = "line-tables-only")
#   lambda-thin   lto = "thin", codegen-units = 1, opt-level = 3
#   lambda-thin-s lto = "thin", codegen-units = 1, opt-level = "s"
#   lambda-fat    lto = "fat",  codegen-units = 1, opt-level = 3
#   lambda-fat-s  lto = "fat",  codegen-units = 1, opt-level = "s"
#   lambda-fat-s-abort   lambda-fat-s with panic = "abort" (only if listed in COLDSTART_PROFILES)
#
# Cold start (bench/coldstart/coldstart.py): a local stand-in for Lambda's Runtime API and
# the checkpoint API; per run it spawns the binary, serves one durable invocation event (the
# order's first invocation, which runs three steps and suspends on the warehouse callback)
# and times spawn -> first `invocation/next` and spawn -> the invocation's response. Runs
# alternate between the binaries (order reversed every other round), first with the binaries
# in the page cache, then with each binary's pages evicted before each spawn
# (posix_fadvise DONTNEED), as a first start on a fresh host would read it.
#
# Environment (all optional):
#   COLDSTART_TARGET     cargo target directory (default /tmp/coldstart-target)
#   COLDSTART_JOBS       cargo -j (default 2); builds run under `nice -n 10`
#   COLDSTART_PROFILES   profiles to build and measure (default: release lambda-thin
#                        lambda-thin-s lambda-fat lambda-fat-s)
#   COLDSTART_EXAMPLE_PROFILES   profiles for the workspace example (default: release
#                        lambda-thin; each is a full build of the workspace's dependencies;
#                        empty: none)
#   COLDSTART_RUNS       measured runs per binary and cache mode (default 40)
#   COLDSTART_SKIP_BUILD non-empty: do not build, use what the target directory holds
#   COLDSTART_REPORT_ONLY non-empty: neither build nor measure; write the results of the last
#                        measurement again
#   COLDSTART_OUT        results file (default bench/coldstart/RESULTS.md)
#   BENCH_OUT            the page to update (default docs/BENCHMARKS.md)
set -euo pipefail

# The whole script is one function, read before it runs, so editing this file during a run
# (which takes an hour) cannot change what the run does.
main() {
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET="${COLDSTART_TARGET:-/tmp/coldstart-target}"
JOBS="${COLDSTART_JOBS:-2}"
PROFILES="${COLDSTART_PROFILES:-release lambda-thin lambda-thin-s lambda-fat lambda-fat-s}"
EXAMPLE_PROFILES="${COLDSTART_EXAMPLE_PROFILES-release lambda-thin}"
RUNS="${COLDSTART_RUNS:-40}"
OUT_MD="${COLDSTART_OUT:-$HERE/RESULTS.md}"
PAGE="${BENCH_OUT:-$ROOT/docs/BENCHMARKS.md}"
WORK="$TARGET/coldstart-results"
BIN="$WORK/bin"
mkdir -p "$BIN"

log() { printf '[coldstart %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

profile_config() {
  local p="$1"
  case "$p" in
    release) ;;
    lambda-thin) printf '%s\n' "lto=\"thin\"" "codegen-units=1" "opt-level=3" ;;
    lambda-thin-s) printf '%s\n' "lto=\"thin\"" "codegen-units=1" "opt-level=\"s\"" ;;
    lambda-fat) printf '%s\n' "lto=\"fat\"" "codegen-units=1" "opt-level=3" ;;
    lambda-fat-s) printf '%s\n' "lto=\"fat\"" "codegen-units=1" "opt-level=\"s\"" ;;
    lambda-fat-s-abort) printf '%s\n' "lto=\"fat\"" "codegen-units=1" "opt-level=\"s\"" "panic=\"abort\"" ;;
    *) log "unknown profile $p"; exit 2 ;;
  esac
}

# cargo arguments selecting profile $1
profile_args() {
  local p="$1" kv
  if [[ "$p" == release ]]; then
    echo "--release"
    return
  fi
  echo "--profile $p --config profile.$p.inherits=\"release\" --config profile.$p.strip=false"
  while read -r kv; do
    [[ -n "$kv" ]] && echo "--config profile.$p.$kv"
  done < <(profile_config "$p")
}

# build NAME DIR PROFILE BINNAME [cargo args...]
build() {
  local name="$1" dir="$2" p="$3" binname="$4"
  shift 4
  local args
  # shellcheck disable=SC2207
  args=($(profile_args "$p"))
  local outdir="$p"
  [[ "$p" == release ]] && outdir=release
  log "building $name ($p)"
  local t0=$SECONDS
  (cd "$dir" && CARGO_TARGET_DIR="$TARGET" nice -n 10 cargo build --locked -j "$JOBS" --quiet "${args[@]}" "$@")
  log "built $name ($p) in $((SECONDS - t0)) s"
  cp "$TARGET/$outdir/$binname" "$BIN/$name.$p"
  strip -o "$BIN/$name.$p.stripped" "$BIN/$name.$p"
  echo "{\"name\": \"$name\", \"profile\": \"$p\", \"build_s\": $((SECONDS - t0))}" >>"$WORK/builds.jsonl"
}

if [[ -z "${COLDSTART_SKIP_BUILD:-}" && -z "${COLDSTART_REPORT_ONLY:-}" ]]; then
  : >"$WORK/builds.jsonl"
  for p in $PROFILES; do
    build lean "$HERE/durable-order" "$p" durable-order-lambda
    build official "$HERE/official-order" "$p" official-order-lambda
  done
  for p in $EXAMPLE_PROFILES; do
    build example "$ROOT" "$p" order-lambda -p durable-examples --bin order-lambda --features lambda
  done
fi

# What runs in the cold-start measurement: release binaries as built (unstripped, as
# `cargo build --release` leaves them), Lambda-profile binaries stripped (as deployed).
measured=()
for name in example lean official; do
  for p in $PROFILES; do
    if [[ "$p" == release ]]; then
      f="$BIN/$name.release"
    else
      f="$BIN/$name.$p.stripped"
    fi
    [[ -f "$f" ]] && measured+=("$name.$p=$f")
  done
done
((${#measured[@]})) || { log "nothing built in $BIN"; exit 1; }

if [[ -z "${COLDSTART_REPORT_ONLY:-}" ]]; then
  log "cold start, binaries in the page cache: ${#measured[@]} binaries x $RUNS runs"
  python3 "$HERE/coldstart.py" measure --runs "$RUNS" --out "$WORK/warm-cache.json" "${measured[@]}"
  log "cold start, each binary evicted from the page cache before each run"
  python3 "$HERE/coldstart.py" measure --runs "$RUNS" --evict --out "$WORK/cold-cache.json" "${measured[@]}"
fi

python3 "$HERE/report.py" --bin "$BIN" \
  --warm "$WORK/warm-cache.json" --cold "$WORK/cold-cache.json" --profiles "$PROFILES" >"$OUT_MD"
log "wrote $OUT_MD"

# Put the section into the benchmarks page: between its markers if it has them, otherwise
# before the peer notes (bench/report.py writes the markers itself when it regenerates it).
python3 - "$PAGE" "$OUT_MD" <<'EOF'
import sys
page_path, section_path = sys.argv[1], sys.argv[2]
section = open(section_path, encoding="utf-8").read().strip()
begin, end = "<!-- coldstart:begin -->", "<!-- coldstart:end -->"
block = f"{begin}\n{section}\n{end}"
try:
    page = open(page_path, encoding="utf-8").read()
except OSError:
    page = "# Benchmarks: durable beside the peer SDKs\n"
if begin in page and end in page:
    head, rest = page.split(begin, 1)
    _, tail = rest.split(end, 1)
    page = head + block + tail
elif "\n## Notes per (peer, workload)" in page:
    head, tail = page.split("\n## Notes per (peer, workload)", 1)
    page = head.rstrip("\n") + "\n\n" + block + "\n\n## Notes per (peer, workload)" + tail
else:
    page = page.rstrip("\n") + "\n\n" + block + "\n"
open(page_path, "w", encoding="utf-8").write(page)
EOF
log "updated $PAGE"
}

main "$@"
exit
