#!/usr/bin/env bash
# Makes sure mpv and a headless X server are there for the mpv shader tests: they run mpv itself
# under Xvfb on Mesa's software OpenGL and screenshot its window. Installs them when we are root
# (or have passwordless sudo), otherwise says what to run. Prints nothing when present.
set -euo pipefail
if command -v mpv >/dev/null 2>&1 && command -v xvfb-run >/dev/null 2>&1 && command -v xauth >/dev/null 2>&1; then
  exit 0
fi
exec "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" "the mpv shader tests need mpv, Xvfb and xauth" mpv xvfb xauth
