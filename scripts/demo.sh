#!/usr/bin/env bash
# Builds rumlens and runs its analyses on the bundled sample data. (The desktop app replaces
# this in a later issue.)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq curl build-essential
  fi
  curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
cargo build -q -p rumlens-cli
bin="${CARGO_TARGET_DIR:-target}/debug/rumlens"
data=sample-data/shop.parquet
run() { printf '\n\033[1m$ rumlens %s\033[0m\n' "$*"; "$bin" "$@"; }
run summary "$data" --top 5
run breakdown "$data" --metric lcp --by release,device_type,browser --filter device_type=mobile
run trend "$data" --metric lcp --stat p75 --bucket 1d --by release
run hist "$data" --metric lcp --log --bins 30
run errors sample-data/shop.ndjson --filter release=1.5.0 --limit 10
run funnel "$data" --step / --step /product/:id --step /cart --step /checkout --step /confirmation --by device_type
