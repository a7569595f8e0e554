#!/usr/bin/env bash
# Makes sure there is a Vulkan driver for the mpv shader tests: they run the exported shader in
# FFmpeg's libplacebo filter, which needs a Vulkan device; Mesa's software one (lavapipe) serves
# on machines without a GPU. Installs it when we are root (or have passwordless sudo), otherwise
# says what to run. Prints nothing when present.
set -euo pipefail
if compgen -G "/usr/share/vulkan/icd.d/lvp_icd.*.json" >/dev/null; then
  exit 0
fi
exec "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" \
  "the mpv shader tests need Mesa's software Vulkan driver (lavapipe) for FFmpeg's libplacebo filter" mesa-vulkan-drivers
