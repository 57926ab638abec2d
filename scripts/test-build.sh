#!/usr/bin/env bash
# Installs what the tests need, if missing, and builds them in BUILD-DIR with warnings as errors,
# using ccache where it is installed. Sourced by scripts/test.sh and scripts/stress-tests.sh.
# Usage: scripts/test-build.sh BUILD-DIR [cmake options] [-- build targets]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# curl: the bash loop's own, for the test that reads its log, and the judge of the hostile
# answers; haproxy, nginx, openssl: the rehearsal lab; prometheus: the end-to-end test of the
# metrics; dpkg-dev and file (cpack's dpkg-shlibdeps), groff-base and zsh: the tests of the
# package, the manual page and the completions; python3-junitparser: a reader of JUnit XML as CI
# systems read it; then Chromium and what drives it, for the HTML timeline.
"$root/scripts/setup-browser.sh" curl haproxy nginx openssl prometheus dpkg-dev file groff-base zsh \
  python3-junitparser
build=$1
shift
options=()
while (($# > 0)) && [[ $1 != -- ]]; do options+=("$1"); shift; done
targets=()
if (($# > 0)); then shift; for target in "$@"; do targets+=(--target "$target"); done; fi
if command -v ccache >/dev/null; then options+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$root" -B "$build" -DUPWATCH_WERROR=ON "${options[@]}" >/dev/null
cmake --build "$build" --parallel "$(nproc)" "${targets[@]}"
