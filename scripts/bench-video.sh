#!/usr/bin/env bash
# Video pipeline benchmarks (issue 3), not timed tests:
#  1. bounded memory: peak RSS of `seranet upscale` on a long and a short clip of the same size;
#     the pipeline holds a few frames at a time, so the two should be within 15%.
#  2. overlap: wall time of the whole process over the time the model alone spent (from --json);
#     decode and encode hide behind inference when the ratio is near 1 (target: at most 1.15).
# Usage: scripts/bench-video.sh [short_frames] [long_frames] [size] [clip]
#   defaults: 60 600 64x48 samples/city.mp4. Runs the tool through ./seranet (Release build).
set -euo pipefail
cd "$(dirname "$0")/.."
short=${1:-60}
long=${2:-600}
size=${3:-64x48}
clip=${4:-samples/city.mp4}
./seranet --version >/dev/null   # builds the tool once, outside the measurements
tool=(dotnet artifacts/cli/seranet.dll)
[ -x /usr/bin/time ] || { echo "bench-video.sh needs GNU time: apt-get install -y time" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

peak_rss_kib() {
  local frames=$1
  ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=size=$size:rate=25" -frames:v "$frames" -c:v libx264 -pix_fmt yuv420p "$work/in-$frames.mp4"
  /usr/bin/time -f %M -o "$work/rss-$frames" "${tool[@]}" upscale "$work/in-$frames.mp4" -o "$work/out-$frames.mp4" --json > "$work/run-$frames.json"
  cat "$work/rss-$frames"
}

rss_short=$(peak_rss_kib "$short")
rss_long=$(peak_rss_kib "$long")
echo "peak RSS: $short frames ${rss_short} KiB, $long frames ${rss_long} KiB ($size), ratio $(python3 -c "print(f'{$rss_long/$rss_short:.3f}')")"

# Wall time from outside the process, so .NET start-up and argument parsing count too.
/usr/bin/time -f %e -o "$work/clip-wall" "${tool[@]}" upscale "$clip" -o "$work/clip-2x.mp4" --json > "$work/clip.json"
wall=$(cat "$work/clip-wall")
model=$(json_field "$work/clip.json" model_seconds)
frames=$(json_field "$work/clip.json" frames)
echo "overlap on $clip: $frames frames, wall ${wall} s, model ${model} s, ratio $(python3 -c "print(f'{$wall/$model:.3f}')")"
