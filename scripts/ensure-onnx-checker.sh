#!/usr/bin/env bash
# Makes sure Debian's python3-onnx (the ONNX checker the export tests run) is importable by the
# system Python: installs it when we are root (or have passwordless sudo), otherwise says what to
# run. Prints nothing when present.
set -euo pipefail
python=/usr/bin/python3
if [ -x "$python" ] && "$python" -c "import onnx" >/dev/null 2>&1; then
  exit 0
fi
exec "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" "the ONNX export tests need the onnx Python package for /usr/bin/python3" python3-onnx
