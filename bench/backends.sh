#!/usr/bin/env bash
# The two inference backends (torch = libtorch, onnxruntime = ONNX Runtime fp32, graph
# optimisations on, one thread per core) on the same frames, side by side: each round runs both,
# alternating which goes first, so background load on a shared machine hits both alike. The
# figures to read are the ratios (onnxruntime over torch throughput, above 1 = onnxruntime faster).
#   bench/backends.sh [ROUNDS] [MODEL]
# Three measures, each the median over the rounds:
#   model  seranet bench: the model alone (tiles, batches, colour, the network), 320x180 frames,
#          4 per batch, in output megapixels per second (its own clock, after a warm-up batch);
#   image  seranet image on 48 PNG frames of samples/city.mp4: whole process, start-up included;
#   video  seranet upscale of samples/city.mp4 (125 frames) to ffv1: whole process.
# Writes bench/results/backends.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
model="${2:-seranet-fast-deep}"
result=bench/results/backends.json
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./seranet --version >/dev/null
clip=samples/city.mp4
mkdir -p "$work/frames"
ffmpeg -nostdin -v error -i "$clip" -frames:v 48 "$work/frames/f%03d.png"

. "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
model_mpix() {
  ./seranet bench --model "$model" --backend "$1" --size 320x180 --batch 4 --count 24 --device cpu --json \
    | grep -o '"output_megapixels_per_second": [0-9.]*' | grep -o '[0-9.]*$'
}
image_s() { seconds ./seranet image "$work/frames" -o "$work/image-$1" --model "$model" --backend "$1" --device cpu --overwrite --json; }
video_s() { seconds ./seranet upscale "$clip" -o "$work/video-$1.mkv" --model "$model" --backend "$1" --device cpu --codec ffv1 --overwrite --json; }

declare -A values
measure_round() {
  local backend
  for backend in "$@"; do
    values[model_$backend]+="$(model_mpix "$backend") "
    values[image_$backend]+="$(image_s "$backend") "
    values[video_$backend]+="$(video_s "$backend") "
  done
}
for ((r = 0; r < rounds; r++)); do
  if (( r % 2 == 0 )); then measure_round torch onnxruntime; else measure_round onnxruntime torch; fi
  echo "after round $((r + 1)): model MP/s torch [${values[model_torch]}] onnxruntime [${values[model_onnxruntime]}]," \
    "image s torch [${values[image_torch]}] onnxruntime [${values[image_onnxruntime]}]," \
    "video s torch [${values[video_torch]}] onnxruntime [${values[video_onnxruntime]}]" >&2
done
median() { printf '%s\n' $1 | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
awk -v model="$model" -v rounds="$rounds" -v cores="$(nproc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
  -v mt="$(median "${values[model_torch]}")" -v mo="$(median "${values[model_onnxruntime]}")" \
  -v it="$(median "${values[image_torch]}")" -v io="$(median "${values[image_onnxruntime]}")" \
  -v vt="$(median "${values[video_torch]}")" -v vo="$(median "${values[video_onnxruntime]}")" 'BEGIN {
  printf "{\n  \"model\": \"%s\",\n  \"rounds\": %d,\n  \"cores\": %d,\n  \"load_average_at_end\": %s,\n", model, rounds, cores, load
  printf "  \"model_only_output_mpix_per_s\": {\"torch\": %.3f, \"onnxruntime\": %.3f},\n", mt, mo
  printf "  \"image_48_frames_seconds\": {\"torch\": %.3f, \"onnxruntime\": %.3f},\n", it, io
  printf "  \"video_125_frames_seconds\": {\"torch\": %.3f, \"onnxruntime\": %.3f},\n", vt, vo
  printf "  \"onnxruntime_speed_ratio\": {\"model_only\": %.3f, \"image\": %.3f, \"video\": %.3f}\n}\n", mo / mt, it / io, vt / vo
}' | tee "$result"
