#!/usr/bin/env bash
# Makes sure ffmpeg and ffprobe are on PATH: installs Debian/Ubuntu's package when we are
# root (or have passwordless sudo), otherwise says what to run. Prints nothing when present.
set -euo pipefail
if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "seranet needs ffmpeg and ffprobe on PATH; install them with your package manager." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "seranet needs ffmpeg: run 'sudo apt-get install -y ffmpeg' first." >&2
    exit 1
  fi
fi
echo "installing ffmpeg (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq ffmpeg >&2
