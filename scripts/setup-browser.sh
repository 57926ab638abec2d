#!/usr/bin/env bash
# Installs what the browser tests and benchmarks of the HTML timeline need, if missing:
# Debian's Chromium and Node.js, and playwright-core (at the version tests/browser's
# package-lock.json pins), which drives that Chromium.
# Usage: scripts/setup-browser.sh [extra-package ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
packages=(chromium nodejs)
command -v npm >/dev/null || packages+=(npm)
"$root/scripts/setup.sh" "${packages[@]}" "$@"
if [[ ! -d $root/tests/browser/node_modules/playwright-core ]]; then
  npm ci --prefix "$root/tests/browser" --no-audit --no-fund --loglevel=error
fi
