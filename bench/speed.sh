#!/usr/bin/env bash
# Throughput, ours beside waifu2x-ncnn-vulkan (upconv_7, CPU mode, no denoise), on the same
# frames, run side by side: each round runs waifu2x and each of our backends and precisions once,
# in a rotating order, so that background load on this noisy machine hits all alike. Whole-run
# wall time, one process per tool per round, PNG frames in and out for both. The top-level
# figures are the first configuration's (the default, torch fp32).
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

. "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
# `seranet image` runs its default model: the one for photos.
model="$(./seranet models --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["defaults"]["image"])')"

# Every backend and shipped precision end to end, each as `seranet image` options (SPEED_CONFIGS
# overrides: "backend:precision ..."); bf16 only where it runs on bfloat16 kernels (bf16 units and
# kernels that pass its bfloat16 self-check; elsewhere it runs slower than fp32), int8 only where
# the tool accepts it (VNNI).
if [ -n "${SPEED_CONFIGS:-}" ]; then
  read -r -a configs <<<"$SPEED_CONFIGS"
else
  configs=(torch:fp32 onnxruntime:fp32)
  if bf16_on_bf16_kernels "$model"; then configs+=(torch:bf16); fi
  if grep -qwE 'avx512_vnni|avx_vnni' /proc/cpuinfo; then configs+=(onnxruntime:int8); fi
fi
run_ours() { seconds ./seranet image "$frames" -o "$work/ours" --overwrite --json --backend "${1%%:*}" --precision "${1##*:}"; }
run_w2x() { WAIFU2X_MODE=batch WAIFU2X_WARMUP=0 WAIFU2X_MIN_PSNR=0 seconds bench/waifu2x/upscale.sh "$frames" "$work/w2x"; }
run() { if [ "$1" = waifu2x ]; then run_w2x; else run_ours "$1"; fi; }

# One round runs waifu2x and every configuration once, starting one place further along each round,
# so load on this noisy machine falls on all of them alike; a configuration's speed-up is the
# median of its rounds' own ratios (waifu2x's time that round over its own).
rotating_rounds "$rounds" run waifu2x "${configs[@]}"

python3 - "$model" "$count" "$out_px" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "${times[waifu2x]}" \
  $(for c in "${configs[@]}"; do printf '%s=%s ' "$c" "$(echo ${times[$c]} | tr ' ' ',')"; done) <<'PY' | tee "$result"
import json, statistics, sys
model, frames, px, cores, load = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
theirs = [float(t) for t in sys.argv[6].split()]
ours = {}
for arg in sys.argv[7:]:
    name, _, values = arg.partition("=")
    ours[name] = [float(t) for t in values.split(",")]
mp = px / 1e6
configs = []
for name, times in ours.items():
    backend, precision = name.split(":")
    configs.append({
        "backend": backend, "precision": precision,
        "median_seconds": round(statistics.median(times), 3),
        "output_mpix_per_s": round(mp / statistics.median(times), 4),
        "speedup_per_round": [round(w / o, 3) for w, o in zip(theirs, times)],
        "speedup": round(statistics.median(w / o for w, o in zip(theirs, times)), 2),
    })
default = configs[0]
print(json.dumps({
    "model": model, "frames": frames, "output_megapixels": round(mp, 4), "cores": cores, "rounds": len(theirs), "load_average_at_end": load,
    "seranet_median_seconds": default["median_seconds"], "waifu2x_median_seconds": round(statistics.median(theirs), 3),
    "seranet_output_mpix_per_s": default["output_mpix_per_s"], "waifu2x_output_mpix_per_s": round(mp / statistics.median(theirs), 4),
    "speedup": default["speedup"],
    "configurations": configs,
}, indent=2))
PY

# The model alone, per backend and precision, as a fraction of this CPU's fp32 peak (SPEED_PEAK=0 skips it).
[ "${SPEED_PEAK:-1}" = 0 ] || bench/peak.sh "$rounds"
