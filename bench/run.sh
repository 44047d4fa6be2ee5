#!/usr/bin/env bash
# rumlens benchmark: the engine against DuckDB and Python Polars on the same generated data.
#
#   bench/run.sh [--events 1000000] [--runs 5] [--l2-runs N] [--no-l2] [--regen] [--data-only]
#
# Builds `rumlens` and `rumlens-bench` (release), installs pinned DuckDB / DuckDB CLI / Polars into
# a venv ($RUMLENS_BENCH_VENV, default ~/.cache/rumlens-bench-venv), generates the data under
# target/bench/<events>/ (kept between runs; --regen makes it again), then runs:
#   rumlens-bench   L1 (open + enrich the raw Parquet into memory), Q1-Q6, interactive filters
#   queries.py      the same queries in DuckDB SQL and in Python Polars on the enriched Parquet
#   procs.py        whole-process CLI runs (rumlens vs duckdb CLI) and L2 (NDJSON -> Parquet)
#   report.py       cross-check (1e-6 relative, counts exact) and the table
# Above 20M events (BENCH_SCALE_EVENTS) the suite is the larger-than-memory one instead: raw shards
# only, and bench/scale.py runs Q1-Q4 through the streaming CLI with peak RSS against 8 GB.
# The table goes to stdout and to target/bench/<events>/results.md.
# Every engine uses the same number of threads (BENCH_THREADS, default 2).
# Exit status: 0 all numbers equal; 1 some number differs; 2 a rumlens query failed (the numbers
# that could be compared are equal); other values: a step of the harness failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

events=1000000
runs=5
l2_runs=""
do_l2=1
regen=0
data_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --l2-runs) l2_runs=$2; shift 2 ;;
    --no-l2) do_l2=0; shift ;;
    --regen) regen=1; shift ;;
    --data-only) data_only=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1 (see --help)" >&2; exit 64 ;;
  esac
done
[ "$runs" -ge 5 ] || echo "bench/run.sh: note: --runs $runs is below the 5 runs the issue asks for" >&2
l2_runs=${l2_runs:-$runs}

threads=${BENCH_THREADS:-2}
export POLARS_MAX_THREADS=$threads RAYON_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
export MKL_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads

log() { printf '\n=== %s\n' "$*" >&2; }

# shellcheck disable=SC1091
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
target=${CARGO_TARGET_DIR:-$root/target}
log "build (release): rumlens, rumlens-bench"
cargo build --release -p rumlens-cli -p rumlens-bench >&2
rumlens=$target/release/rumlens
bench=$target/release/rumlens-bench

log "venv with pinned DuckDB, DuckDB CLI and Polars"
venv=${RUMLENS_BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/rumlens-bench-venv}
pins=(duckdb==1.5.6 duckdb-cli==1.5.6 polars==1.44.2)
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import duckdb, polars, sys; sys.exit(not (duckdb.__version__ == "1.5.6" and polars.__version__ == "1.44.2"))' 2>/dev/null \
   || [ ! -x "$venv/bin/duckdb" ]; then
  "$venv/bin/pip" install -q --disable-pip-version-check "${pins[@]}" >&2
fi
py=$venv/bin/python
duckdb_cli=$venv/bin/duckdb

work=$target/bench/$events
mkdir -p "$work"
sessions=$(awk -v n="$events" 'BEGIN { printf "%d", n / 18.5 + 0.5 }')
shard_events=1000000
# The raw data depends on the generator only, the enriched copy also on import, enrichment and
# the writer: rebuilding rumlens for a query change keeps the (slow to make at 10M+) data.
src_hash() { cat "$@" | sha256sum | cut -c1-16; }
raw_want="events=$events sessions=$sessions seed=1 gen=$(src_hash crates/engine/src/gen/*.rs crates/engine/src/schema.rs)"
enriched_want="$raw_want enrich=$(src_hash crates/engine/src/enrich/*.rs crates/engine/src/import/*.rs crates/engine/src/export.rs)"
# Above this many events the suite is the larger-than-memory one (bench/scale.py): raw shards only.
scale_events=${BENCH_SCALE_EVENTS:-20000000}
if [ "$regen" = 1 ] || [ ! -f "$work/raw.stamp" ] || [ "$(cat "$work/raw.stamp")" != "$raw_want" ]; then
  log "generate $events events ($sessions sessions) under $work"
  rm -rf "$work/raw" "$work/raw.parquet" "$work/raw.ndjson" "$work/enriched.parquet" "$work"/*.stamp
  if [ "$events" -le 2000000 ]; then
    "$rumlens" gen --sessions "$sessions" --seed 1 --out "$work/raw.parquet"
    [ "$do_l2" = 1 ] && "$rumlens" gen --sessions "$sessions" --seed 1 --out "$work/raw.ndjson"
  else
    # `gen` holds every row in memory (~2.4 GB per million events): shards of ~1M events,
    # two at a time.
    k=$(( (events + shard_events - 1) / shard_events ))
    per=$(( (sessions + k - 1) / k ))
    mkdir -p "$work/raw"
    seq 1 "$k" | xargs -P 2 -I{} "$rumlens" gen --sessions "$per" --seed {} --out "$work/raw/part-{}.parquet"
    if [ "$do_l2" = 1 ] && [ "$events" -le "$scale_events" ]; then
      # L2's input: a ~2 GB NDJSON export (three ~1M-event shards, one after the other).
      for i in 1 2 3; do
        "$rumlens" gen --sessions "$per" --seed "$i" --out "$work/l2-part.ndjson"
        cat "$work/l2-part.ndjson" >> "$work/raw.ndjson"
        rm -f "$work/l2-part.ndjson"
      done
    fi
  fi
  echo "$raw_want" > "$work/raw.stamp"
fi
raw_in=$work/raw.parquet
[ -d "$work/raw" ] && raw_in=$work/raw
enriched=$work/enriched.parquet
if [ "$events" -le "$scale_events" ] && { [ ! -f "$work/enriched.stamp" ] || [ "$(cat "$work/enriched.stamp")" != "$enriched_want" ]; }; then
  log "enriched Parquet for DuckDB and Polars (rumlens convert)"
  "$rumlens" convert "$raw_in" --out "$enriched"
  echo "$enriched_want" > "$work/enriched.stamp"
fi
if [ "$data_only" = 1 ]; then
  echo "data ready under ${work#"$root"/}" >&2
  exit 0
fi

if [ "$events" -gt "$scale_events" ]; then
  log "larger than memory: Q1-Q4 through the CLI on ${raw_in#"$root"/} (bench/scale.py)"
  set +e
  "$py" bench/scale.py --rumlens "$rumlens" --dir "$raw_in" --events "$events" --out "$work/scale.json" | tee "$work/results.md"
  status=${PIPESTATUS[0]}
  set -e
  echo "(also in $work/results.md)" >&2
  exit "$status"
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "rumlens engine (rumlens-bench); load average $load_before"
"$bench" --raw "$raw_in" --load-enriched "$enriched" --runs "$runs" --out "$work/rumlens.json"

for engine in duckdb polars; do
  log "$engine (bench/queries.py)"
  "$py" bench/queries.py --engine "$engine" --parquet "$enriched" --runs "$runs" --threads "$threads" \
    --filters "$work/rumlens.json" --out "$work/$engine.json"
done

log "whole-process CLI runs and L2"
l2_args=()
if [ "$do_l2" = 1 ] && [ -f "$work/raw.ndjson" ]; then
  l2_args=(--ndjson "$work/raw.ndjson" --l2-runs "$l2_runs")
fi
"$py" bench/procs.py --rumlens "$rumlens" --duckdb "$duckdb_cli" --parquet "$enriched" --workdir "$work" \
  --runs "$runs" --threads "$threads" "${l2_args[@]}" --out "$work/procs.json"

log "cross-check and table"
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
mem=$(free -g | awk '/^Mem:/ { print $2 }')
header="Machine: $cpu, $(nproc) cores, ${mem} GiB RAM; $(rustc --version); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (+ local changes)'); $(date -u +%Y-%m-%dT%H:%MZ); load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg).
Command: bench/run.sh --events $events --runs $runs; data: ${raw_in#"$PWD"/} ($(du -sh "$raw_in" | cut -f1)), enriched $(du -sh "$enriched" | cut -f1)."
set +e
"$py" bench/report.py --rumlens "$work/rumlens.json" --duckdb "$work/duckdb.json" --polars "$work/polars.json" \
  --procs "$work/procs.json" --md "$work/results.md" --header "$header"
status=$?
set -e
echo "(also in $work/results.md)" >&2
exit $status
