#!/usr/bin/env bash
# Makes sure ffmpeg and ffprobe are on PATH: installs Debian/Ubuntu's package when we are
# root (or have passwordless sudo), otherwise says what to run. Prints nothing when present.
set -euo pipefail
if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then
  exit 0
fi
exec "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" "seranet needs ffmpeg and ffprobe on PATH" ffmpeg
