#!/usr/bin/env bash
# Quality on compressed input (the compressed-input protocol of `seranet eval --degrade`): the
# public set shrunk 2x, then one H.264 frame at each CRF (or JPEG), then 2x up; ours beside
# bicubic, Lanczos and waifu2x (upconv_7 and cunet, CPU) at every denoise level.
#   bench/compressed.sh [DEGRADATION ...] [-- --model M ...]      default: h264:23 h264:28, both shipped models
# Writes bench/results/compressed-<degradation>.json and prints a table of mean Y-PSNR per method.
# SERANET_EVAL_DATA=data/video-eval (scripts/fetch-video-frames.sh: frames of real camera footage)
# measures another set and writes bench/results/compressed-video-eval-<degradation>.json.
# WAIFU2X_MODELS="upconv_7_anime_style_art_rgb" leaves out cunet (broken in CPU mode on some AVX-512 CPUs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/fetch-data.sh >/dev/null
degradations=() models=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; models=("$@"); break; fi
  degradations+=("$1"); shift
done
[ ${#degradations[@]} -gt 0 ] || degradations=(h264:23 h264:28)
[ ${#models[@]} -gt 0 ] || models=(--model seranet-fast-deep --model seranet-fast-deep-video)
data="${SERANET_EVAL_DATA:-data/eval}"
[ "$data" != data/video-eval ] || scripts/fetch-video-frames.sh >/dev/null
# The public set keeps its original file names; any other set is named in the results file.
set_name="$(basename "$data")"
prefix="compressed-"
[ "$data" = data/eval ] || prefix="compressed-$set_name-"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for degradation in "${degradations[@]}"; do
  name="${degradation/:/-}"
  ./seranet eval --data "$data" "${models[@]}" --degrade "$degradation" --write-lr "$work/$name/lr" --json >/dev/null
  external=()
  for w2x in ${WAIFU2X_MODELS:-upconv_7_anime_style_art_rgb cunet}; do
    for noise in -1 0 1 2 3; do
      out="$work/$name/$w2x$noise"
      WAIFU2X_MODEL=$w2x WAIFU2X_NOISE=$noise WAIFU2X_MODE=batch WAIFU2X_WARMUP=0 WAIFU2X_MIN_PSNR=0 \
        bench/waifu2x/upscale.sh "$work/$name/lr" "$out" >/dev/null
      short="${w2x%%_*}"
      external+=(--external "waifu2x-$short-n$noise=$out")
    done
  done
  ./seranet eval --data "$data" "${models[@]}" --degrade "$degradation" "${external[@]}" --json > "bench/results/$prefix$name.json"
  python3 - "bench/results/$prefix$name.json" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
print(result["protocol"])
bicubic = next(m["y_psnr"] for m in result["means"] if m["method"] == "bicubic")
for m in sorted(result["means"], key=lambda m: -m["y_psnr"]):
    # waifu2x's cunet writes garbage in CPU mode on some AVX-512 machines (about 9 dB, wrong mean colour).
    broken = "  (broken output on this CPU: not a result)" if m["y_psnr"] < bicubic - 5 else ""
    print(f'  {m["method"]:28s} Y-PSNR {m["y_psnr"]:6.2f}  RGB {m["rgb_psnr"]:6.2f}  SSIM {m["ssim"]:.4f}{broken}')
PY
done
