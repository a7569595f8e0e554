#!/usr/bin/env bash
# Makes sure the GStreamer tools (gst-launch-1.0, gst-inspect-1.0, videotestsrc, y4menc) and the
# headers libgstseranet.so is compiled against are present; the plugin tests run the real host.
# Prints nothing when present.
set -euo pipefail
if command -v gst-launch-1.0 >/dev/null 2>&1 && command -v gst-inspect-1.0 >/dev/null 2>&1 \
   && pkg-config --exists gstreamer-video-1.0 2>/dev/null && gst-inspect-1.0 y4menc >/dev/null 2>&1; then
  exit 0
fi
exec "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" "the GStreamer plugin tests need GStreamer and its development headers" \
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev pkg-config gcc
