#!/usr/bin/env bash
# Throughput, ours beside waifu2x-ncnn-vulkan (upconv_7, CPU mode, no denoise), on the same
# frames, run side by side: each round runs both tools once, alternating which goes first, so
# that background load on this noisy machine hits both alike. Whole-run wall time, one process
# per tool per round, PNG frames in and out for both.
#   bench/speed.sh [ROUNDS] [FRAMES]
# FRAMES: a folder of PNG frames, or how many frames of the sample clip to use (default 48:
# enough that throughput, not each tool's one-off start-up, decides; the README also shows 12).
# Without the clip, the low-resolution inputs of the evaluation protocol. Writes
# bench/results/speed.json (speed-N.json for other frame counts).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
frames="${2:-48}"
result=bench/results/speed.json
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./seranet --version >/dev/null
bin="$(bench/waifu2x/fetch.sh)"

if [[ "$frames" =~ ^[0-9]+$ ]]; then
  count_wanted=$frames
  [ "$count_wanted" = 48 ] || result="bench/results/speed-$count_wanted.json"
  frames="$work/frames"
  mkdir -p "$frames"
  if [ -f samples/city.mp4 ]; then
    ffmpeg -nostdin -v error -i samples/city.mp4 -frames:v "$count_wanted" "$frames/f%03d.png"
  else
    scripts/fetch-data.sh >/dev/null
    ./seranet eval --data data/eval --write-lr "$frames" --json >/dev/null
  fi
fi
out_px=$(for f in "$frames"/*.png; do ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0 "$f"; done \
  | awk -F, '{s += 4 * $1 * $2} END {print s}')
count=$(ls "$frames"/*.png | wc -l)

time_ours() { local t0 t1; t0=$(date +%s.%N); ./seranet image "$frames" -o "$work/ours" --overwrite --json >/dev/null; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}'; }
time_w2x() { local t0 t1; t0=$(date +%s.%N); WAIFU2X_MODE=batch WAIFU2X_WARMUP=0 WAIFU2X_MIN_PSNR=0 bench/waifu2x/upscale.sh "$frames" "$work/w2x" >/dev/null; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}'; }

ours=(); theirs=()
for ((r = 0; r < rounds; r++)); do
  if (( r % 2 == 0 )); then ours+=("$(time_ours)"); theirs+=("$(time_w2x)"); else theirs+=("$(time_w2x)"); ours+=("$(time_ours)"); fi
  echo "round $((r + 1)): seranet ${ours[-1]} s, waifu2x ${theirs[-1]} s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mo=$(median "${ours[@]}"); mt=$(median "${theirs[@]}")
awk -v frames="$count" -v px="$out_px" -v ours="$mo" -v theirs="$mt" -v cores="$(nproc)" 'BEGIN {
  printf "{\n  \"frames\": %d,\n  \"output_megapixels\": %.4f,\n  \"cores\": %d,\n", frames, px / 1e6, cores
  printf "  \"seranet_median_seconds\": %.3f,\n  \"waifu2x_median_seconds\": %.3f,\n", ours, theirs
  printf "  \"seranet_output_mpix_per_s\": %.4f,\n  \"waifu2x_output_mpix_per_s\": %.4f,\n", px / 1e6 / ours, px / 1e6 / theirs
  printf "  \"speedup\": %.2f\n}\n", theirs / ours
}' | tee "$result"

# The model alone, per backend and precision, as a fraction of this CPU's fp32 peak (SPEED_PEAK=0 skips it).
[ "${SPEED_PEAK:-1}" = 0 ] || bench/peak.sh "$rounds"
