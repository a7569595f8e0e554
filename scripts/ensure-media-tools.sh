#!/usr/bin/env bash
# Makes sure the media tools that host `seranet filter` in the y4m tests are on PATH: x264, x265,
# SvtAv1EncApp, mpv and GStreamer's gst-launch-1.0 with y4mdec (plugins-bad) and y4menc
# (plugins-good). Installs Debian's packages through apt-install.sh; prints nothing when present.
set -euo pipefail
missing=()
command -v x264 >/dev/null 2>&1 || missing+=(x264)
command -v x265 >/dev/null 2>&1 || missing+=(x265)
command -v SvtAv1EncApp >/dev/null 2>&1 || missing+=(svt-av1)
command -v mpv >/dev/null 2>&1 || missing+=(mpv)
if ! command -v gst-launch-1.0 >/dev/null 2>&1 || ! gst-inspect-1.0 y4mdec >/dev/null 2>&1 || ! gst-inspect-1.0 y4menc >/dev/null 2>&1; then
  missing+=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad)
fi
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
exec "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" "the y4m filter tests need x264, x265, SvtAv1EncApp, mpv and GStreamer" "${missing[@]}"
