#!/usr/bin/env bash
# Runs every test of rumlens: formatting, lints, unit, integration and CLI golden tests.
# Installs what it needs on a fresh Debian/Ubuntu machine (Rust components; later issues add
# system packages here).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n=== %s\n' "$*"; }

if ! command -v cargo >/dev/null 2>&1; then
  log "installing Rust (rustup)"
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq curl build-essential
  fi
  curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
for comp in rustfmt clippy; do
  if ! cargo "${comp/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$comp"
  fi
done

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "cargo test"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cargo test --workspace --locked 2>&1 | tee "$out"

log "cross-check percentiles against DuckDB (an independent engine) on a generated file"
venv="${RUMLENS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/rumlens-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import duckdb" 2>/dev/null; then
  if ! python3 -m venv "$venv" 2>/dev/null; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq python3-venv
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check duckdb
fi
work=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$work"' EXIT
"$venv/bin/python" scripts/crosscheck_duckdb.py "${CARGO_TARGET_DIR:-target}/debug/rumlens" "$work" 3000

# One closing line for the whole run (cargo prints one per test binary; +1 for the cross-check).
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "\ntests: %d passed, %d failed, %d skipped\n", p + 1, f, i }' "$out"
