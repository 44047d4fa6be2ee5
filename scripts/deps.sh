#!/usr/bin/env bash
# Installs what rumlens needs on a fresh Debian/Ubuntu machine: Rust (if missing), the system
# libraries of the Tauri desktop shell (WebKitGTK), Xvfb and the WebDriver for the desktop
# end-to-end tests, the UI's npm packages, and tauri-driver (not with --app). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
packages=(libwebkit2gtk-4.1-dev libsoup-3.0-dev librsvg2-dev libayatana-appindicator3-dev
          build-essential pkg-config curl xvfb xauth webkit2gtk-driver imagemagick python3-venv
          poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
for comp in rustfmt clippy; do
  cargo "${comp/rustfmt/fmt}" --version >/dev/null 2>&1 || rustup component add "$comp"
done

if ! command -v node >/dev/null 2>&1; then
  $sudo_cmd apt-get install -y -qq nodejs npm
fi
(cd ui && npm ci --no-audit --no-fund --loglevel=error)

# The end-to-end tools are not needed to run the app.
if [ "${1:-}" != "--app" ] && ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --version "^2" --locked
fi
