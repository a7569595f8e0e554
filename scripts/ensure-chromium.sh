#!/usr/bin/env bash
# Makes sure Debian's chromium is there for the preview report tests: they open the report in a
# headless browser, drive its sliders and check that it loads with no console error. Installs it
# when we are root (or have passwordless sudo), otherwise says what to run. Prints nothing when present.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
exec "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" "the preview report tests need chromium (a headless browser)" chromium
