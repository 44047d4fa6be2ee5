#!/usr/bin/env bash
# Runs every test of rumlens: UI type check and unit tests, formatting, lints, Rust unit /
# integration / CLI golden / mock-runtime tests, the DuckDB cross-check and the desktop app
# end to end under Xvfb. Installs what it needs first (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n=== %s\n' "$*"; }

log "dependencies"
bash scripts/deps.sh
# shellcheck disable=SC1091
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

out=$(mktemp)
work=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$work"' EXIT

log "UI: type check, unit tests, build"
(cd ui && npm run check && NO_COLOR=1 FORCE_COLOR=0 npm test 2>&1 | tee -a "$out" && npm run build)

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "cargo test"
cargo test --workspace --locked 2>&1 | tee -a "$out"

log "cross-check percentiles against DuckDB (an independent engine) on a generated file"
venv="${RUMLENS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/rumlens-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import duckdb" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check duckdb
fi
"$venv/bin/python" scripts/crosscheck_duckdb.py "${CARGO_TARGET_DIR:-target}/debug/rumlens" "$work" 3000 | tee -a "$out"

log "desktop app end to end (Xvfb + tauri-driver + WebKitWebDriver)"
bash tests/e2e/run.sh 2>&1 | tee -a "$out"

# One closing line for the whole run: cargo's per-binary lines, Vitest's, the cross-check and
# the end-to-end steps.
awk '
  /^test result:/            { p += $4; f += $6; i += $8 }
  /^ *Tests +[0-9]+ passed/  { for (k = 1; k <= NF; k++) if ($k ~ /^[0-9]+$/ && $(k+1) ~ /passed/) p += $k }
  /^ *Tests +.*[0-9]+ failed/ { for (k = 1; k <= NF; k++) if ($k ~ /^[0-9]+$/ && $(k+1) ~ /failed/) f += $k }
  /^duckdb cross-check:/     { p += 1 }
  /^e2e: [0-9]+ passed/      { p += $2; f += $4 }
  END { printf "\ntests: %d passed, %d failed, %d skipped\n", p, f, i }' "$out"
