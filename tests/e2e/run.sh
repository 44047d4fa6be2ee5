#!/usr/bin/env bash
# The desktop app end to end: the real debug build under Xvfb, driven through WebDriver
# (tauri-driver in front of WebKitWebDriver). Screenshots go to target/e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
cargo build -q -p rumlens-app -p rumlens-cli --locked
app="$(realpath "$target/debug/rumlens-app")"
cli="$(realpath "$target/debug/rumlens")"
artifacts="target/e2e-artifacts"
rm -rf "$artifacts" && mkdir -p "$artifacts"

# WebKitGTK under Xvfb renders blank without these.
export WEBKIT_DISABLE_DMABUF_RENDERER=1 WEBKIT_DISABLE_COMPOSITING_MODE=1
export XDG_CONFIG_HOME="$(mktemp -d)"   # fresh recent-files list
export XDG_CACHE_HOME="$(mktemp -d)"    # fresh import cache
# The app's save dialogs write here instead of asking (debug builds only; see src-tauri/src/dialog.rs).
export RUMLENS_TEST_SAVE_DIR="$(realpath "$artifacts")/exports"
mkdir -p "$RUMLENS_TEST_SAVE_DIR"
display=":$((70 + RANDOM % 20))"
Xvfb "$display" -screen 0 1440x960x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY="$display"
port=$((4400 + RANDOM % 500))
tauri-driver --port "$port" --native-driver "$(command -v WebKitWebDriver)" >"$artifacts/tauri-driver.log" 2>&1 &
driver=$!
cleanup() { kill "$driver" "$xvfb" 2>/dev/null || true; rm -rf "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  sleep 0.1
done
node tests/e2e/e2e.mjs --driver "http://127.0.0.1:$port" --app "$app" --cli "$cli" --artifacts "$artifacts" --saves "$RUMLENS_TEST_SAVE_DIR"
