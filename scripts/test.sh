#!/usr/bin/env bash
# The test command: installs what the tests need (ffmpeg, the media tools the y4m filter is
# tested with (x264, x265, SvtAv1EncApp, mpv, GStreamer), the ONNX checker, chromium for the
# preview report, the real photos
# from Debian and npm packages), builds, and runs every test, unit and integration. Extra arguments go to
# `dotnet test` (e.g. --filter "Category!=Integration" for the fast unit tests only).
#
# Without extra arguments the numerics tests then run a second time with libtorch's kernels
# capped at AVX2 (oneDNN and ATen), so that a machine with AVX-512 checks both kernel families
# and one without checks the same family twice.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/ensure-ffmpeg.sh
scripts/ensure-media-tools.sh
scripts/ensure-onnx-checker.sh
scripts/ensure-vulkan.sh
scripts/ensure-mpv.sh
scripts/ensure-gstreamer.sh
scripts/ensure-chromium.sh
scripts/ensure-cluster-tools.sh
scripts/fetch-data.sh >/dev/null
results="$root/artifacts/test-results"
rm -rf "$results"
passed=0 failed=0 skipped=0

# run_tests NAME [dotnet test arguments...]: runs, then adds the trx counters to the totals.
run_tests() {
  local name="$1"; shift
  local status=0
  # --blame-crash: should the test host die (a native crash), the log names the test that was
  # running and a minidump is kept under the results folder, to find the cause from one CI run.
  dotnet test tests/SeRanet.Video.Tests -c Release --nologo --logger "trx;LogFileName=$name.trx" \
    --results-directory "$results" --blame-crash --blame-crash-dump-type mini "$@" || status=$?
  local trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    local counters get
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    get() { echo "$counters" | grep -o "$1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$(( passed + $(get passed) ))
    failed=$(( failed + $(get failed) ))
    skipped=$(( skipped + $(get total) - $(get executed) ))
  elif [ "$status" -ne 0 ]; then
    failed=$(( failed + 1 ))
  fi
  return "$status"
}

status=0
run_tests all "$@" || status=$?
if [ "$#" -eq 0 ]; then
  echo "numerics tests again, with the CPU kernels capped at AVX2 (ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2):"
  ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 run_tests numerics-avx2 --no-build --filter "Category=Numerics" || status=$?
fi
# One plain closing line, whatever the runner printed above it.
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
