#!/usr/bin/env bash
# The planar path of `seranet upscale` (Y model on a YUV source: planes, no RGB round trip) against
# the build before it (RGB frames), side by side with bench/ab-upscale.sh, rounds alternating:
#  1. speed on samples/city.mp4 (320x180, 125 frames, default model and codec);
#  2. peak RSS of a 1080p-to-4K run: 8 frames of 1080p testsrc2 (x264) to .mkv, as the README's
#     earlier 6.05 GB / 2.32 GB figures were measured;
#  3. the same run of the AFTER build alone with each budget of --memory given (e.g. 512M 768M).
#   bench/planar-path.sh BEFORE_DIR AFTER_DIR [rounds_city] [rounds_1080p] [memory sizes...]
# Writes bench/results/planar-path-city.json, bench/results/planar-path-1080p.json and prints 3.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1 after=$2 rounds_city=${3:-3} rounds_hd=${4:-2}
shift $(( $# < 4 ? $# : 4 ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== samples/city.mp4, $rounds_city rounds"
AB_RESULT=bench/results/planar-path-city.json bench/ab-upscale.sh "$before" "$after" "$rounds_city" samples/city.mp4
ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=1920x1080:rate=25 -frames:v 8 -c:v libx264 -pix_fmt yuv420p "$work/hd.mp4"
echo "== 8 frames 1080p -> 4K, $rounds_hd rounds"
AB_RESULT=bench/results/planar-path-1080p.json bench/ab-upscale.sh "$before" "$after" "$rounds_hd" "$work/hd.mp4"
for size in "$@"; do
  /usr/bin/time -f "%e %M" -o "$work/memory.time" dotnet "$after/seranet.dll" upscale "$work/hd.mp4" -o "$work/hd-2x.mkv" -y --json --memory "$size" > /dev/null
  read -r wall kib < "$work/memory.time"
  echo "after, --memory $size: wall $wall s, peak RSS $kib KiB"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
