#!/usr/bin/env bash
# Makes sure Debian's python3-onnx (the ONNX checker the export tests run) is importable by the
# system Python: installs it when we are root (or have passwordless sudo), otherwise says what to
# run. Prints nothing when present; runs apt-get update only when the package is not yet known.
set -euo pipefail
python=/usr/bin/python3
if [ -x "$python" ] && "$python" -c "import onnx" >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "the ONNX export tests need the onnx Python package for /usr/bin/python3 (Debian: python3-onnx)." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "the ONNX export tests need python3-onnx: run 'sudo apt-get install -y python3-onnx' first." >&2
    exit 1
  fi
fi
echo "installing python3-onnx (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
# ensure-ffmpeg.sh may have just updated the lists; only a package with no candidate needs it again.
if ! apt-cache policy python3-onnx 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  $sudo apt-get update -qq >&2
fi
$sudo apt-get install -y -qq python3-onnx >&2
