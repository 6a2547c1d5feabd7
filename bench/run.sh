#!/usr/bin/env bash
# Side-by-side benchmark: durable against the peer SDKs of ../shared/bench/peers, on the
# kit's five workloads, in one run on this machine; writes docs/BENCHMARKS.md.
#
#   bash bench/run.sh                    # everything (first run installs the peers: minutes)
#   BENCH_PEERS="rust-official" BENCH_ROUNDS=3 bash bench/run.sh
#
# What it does:
#   1. builds `durable-peer-bench` in release mode (cargo honours CARGO_BUILD_JOBS);
#   2. for each round and each workload, calls the kit's run.sh once with every selected peer
#      plus ours (PEERBENCH_EXTRA), so ours and the peers alternate workload by workload; the
#      peer order is reversed on every other round so drift on a shared machine does not
#      always favour the same side (the kit installs the peers on its first call, and reports
#      a peer that cannot install as not runnable);
#   3. runs `durable-peer-bench replay-scaling` (replay cost against history length);
#   4. folds everything into docs/BENCHMARKS.md (bench/report.py): median wall time, CPU time
#      and peak RSS per (peer, workload) over all measured runs of all rounds, and the ratio
#      ours/peer per workload, with the date and machine.
#
# Environment (all optional):
#   BENCH_PEERS     peers of the kit to compare with (default: all five)
#   BENCH_WORKLOADS workloads (default: all five)
#   BENCH_ROUNDS    rounds (default 2); each round is one kit process per (peer, workload)
#   BENCH_OUT       the Markdown file to write (default docs/BENCHMARKS.md)
#   PEERBENCH_KIT   the kit (default ../shared/bench/peers next to the checkout)
#   PEERBENCH_*     passed through to the kit (PEERBENCH_DIR, _RUNS, _WARMUP, _BUDGET_S, ...)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIT="${PEERBENCH_KIT:-$ROOT/../shared/bench/peers}"
PEERS="${BENCH_PEERS:-rust-official rust-official-paged1 python js js-realtime}"
WORKLOADS="${BENCH_WORKLOADS:-steps-1000 step-wait-100 step-wait-100-suspend map-500 callbacks-50}"
ROUNDS="${BENCH_ROUNDS:-2}"
OUT_MD="${BENCH_OUT:-$ROOT/docs/BENCHMARKS.md}"
WORK="${PEERBENCH_DIR:-${TMPDIR:-/tmp}/peerbench}"
export PEERBENCH_DIR="$WORK"

log() { printf '[bench/run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

[[ -x "$KIT/run.sh" || -f "$KIT/run.sh" ]] || { log "peer kit not found at $KIT (set PEERBENCH_KIT)"; exit 1; }
mkdir -p "$WORK"

log "building durable-peer-bench (release)"
(cd "$ROOT" && cargo build --release --quiet -p durable-bench --bin durable-peer-bench)
OURS="$ROOT/target/release/durable-peer-bench"
export PEERBENCH_EXTRA="durable=$OURS"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RAW="$WORK/side-by-side-$STAMP.jsonl"
: >"$RAW"
started=$SECONDS
for ((round = 1; round <= ROUNDS; round++)); do
  order="durable $PEERS"
  if ((round % 2 == 0)); then
    order="$(printf '%s\n' $order | tac | tr '\n' ' ')"
  fi
  for wl in $WORKLOADS; do
    log "round $round/$ROUNDS, $wl: $order"
    PEERBENCH_PEERS="$order" PEERBENCH_WORKLOADS="$wl" bash "$KIT/run.sh" |
      python3 -c 'import json,sys
r=sys.argv[1]
for line in sys.stdin:
    line=line.strip()
    if line.startswith("{"):
        o=json.loads(line); o["round"]=int(r); print(json.dumps(o))' "$round" >>"$RAW"
  done
done
log "peer runs done in $((SECONDS - started))s; raw lines in $RAW"

SCALING="$WORK/replay-scaling-$STAMP.md"
log "replay scaling"
"$OURS" replay-scaling >"$SCALING"

mkdir -p "$(dirname "$OUT_MD")"
python3 "$ROOT/bench/report.py" "$RAW" "$SCALING" "$ROUNDS" >"$OUT_MD"
log "wrote $OUT_MD"
