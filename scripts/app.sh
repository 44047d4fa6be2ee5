#!/usr/bin/env bash
# Installs what is missing, builds the UI and launches the rumlens desktop app on the bundled
# sample data (extra arguments: files or folders to open instead). Without a display it runs
# under xvfb-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --app
# shellcheck disable=SC1091
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
(cd ui && npm run build)
cargo build -p rumlens-app
bin="${CARGO_TARGET_DIR:-target}/debug/rumlens-app"
if [ $# -eq 0 ]; then set -- sample-data/shop.parquet; fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  export WEBKIT_DISABLE_DMABUF_RENDERER=1 WEBKIT_DISABLE_COMPOSITING_MODE=1
  exec xvfb-run -a -s "-screen 0 1440x960x24" "$bin" "$@"
fi
exec "$bin" "$@"
