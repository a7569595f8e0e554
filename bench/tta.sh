#!/usr/bin/env bash
# What --tta (the network averaged over each tile's eight flips and quarter turns) buys and costs:
# `seranet eval` on the public set (data/eval, the protocol of bench/quality.sh) with and without
# it for each model (and for the video default on H.264 input at CRF 23 and 28, the protocol of
# README "Compressed input"), and `seranet image` end to end on the 48 frames of bench/speed.sh with and
# without it, in alternating rounds.
#   bench/tta.sh [ROUNDS] [MODEL...]
# Models default to the photo default and seranet-fast-nofusion-d6. Writes bench/results/tta.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(seranet-fast-deep-rgb seranet-fast-nofusion-d6)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./seranet --version >/dev/null
[ -d data/eval ] || scripts/fetch-data.sh >/dev/null
frames="$work/frames"
mkdir -p "$frames"
ffmpeg -nostdin -v error -i samples/city.mp4 -frames:v 48 "$frames/f%03d.png"

for m in "${models[@]}"; do
  ./seranet eval --data data/eval --model "$m" --device cpu --json > "$work/$m-plain.json"
  ./seranet eval --data data/eval --model "$m" --device cpu --tta --json > "$work/$m-tta.json"
done
# The video default on the compressed-input protocol (README, "Compressed input").
video="$(./seranet models --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["defaults"]["upscale"])')"
for crf in 23 28; do
  ./seranet eval --data data/eval --model "$video" --degrade "h264:$crf" --device cpu --json > "$work/h264-$crf-plain.json"
  ./seranet eval --data data/eval --model "$video" --degrade "h264:$crf" --device cpu --tta --json > "$work/h264-$crf-tta.json"
done

. "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
run() {
  local model=${1%:*} mode=${1##*:}
  seconds ./seranet image "$frames" -o "$work/out" --overwrite --model "$model" $([ "$mode" = tta ] && echo --tta)
}
runners=()
for m in "${models[@]}"; do runners+=("$m:plain" "$m:tta"); done
rotating_rounds "$rounds" run "${runners[@]}"

timed=()
for r in "${runners[@]}"; do timed+=("$r=${times[$r]}"); done
python3 - "$work" "$rounds" "$video" "${timed[@]}" <<'PY' | tee bench/results/tta.json
import json, statistics, sys
work, rounds, video, timed = sys.argv[1], int(sys.argv[2]), sys.argv[3], dict(a.split("=", 1) for a in sys.argv[4:])
seconds = {k: [float(t) for t in v.split()] for k, v in timed.items()}
rows = []
for model in dict.fromkeys(k.rsplit(":", 1)[0] for k in seconds):
    row = {"model": model}
    for mode in ("plain", "tta"):
        means = json.load(open(f"{work}/{model}-{mode}.json"))["means"]
        m = next(m for m in means if m["method"].startswith(model))
        row[mode] = {"y_psnr": round(m["y_psnr"], 4), "rgb_psnr": round(m["rgb_psnr"], 4), "ssim": round(m["ssim"], 5),
                     "median_seconds_48_frames": round(statistics.median(seconds[f"{model}:{mode}"]), 3)}
    row["y_psnr_gain_db"] = round(row["tta"]["y_psnr"] - row["plain"]["y_psnr"], 4)
    # Each round's own ratio, then their median: load hits a round's two runs alike.
    row["time_ratio"] = round(statistics.median(t / p for t, p in zip(seconds[f"{model}:tta"], seconds[f"{model}:plain"])), 2)
    rows.append(row)
compressed = []
for crf in (23, 28):
    row = {"model": video, "degrade": f"h264:{crf}"}
    for mode in ("plain", "tta"):
        means = json.load(open(f"{work}/h264-{crf}-{mode}.json"))["means"]
        row["bicubic_y_psnr"] = round(next(m for m in means if m["method"] == "bicubic")["y_psnr"], 4)
        m = next(m for m in means if m["method"].startswith(video))
        row[mode] = {"y_psnr": round(m["y_psnr"], 4), "rgb_psnr": round(m["rgb_psnr"], 4), "ssim": round(m["ssim"], 5)}
    row["y_psnr_gain_db"] = round(row["tta"]["y_psnr"] - row["plain"]["y_psnr"], 4)
    compressed.append(row)
print(json.dumps({"frames": "48 frames of samples/city.mp4, 320x180", "rounds": rounds, "models": rows, "compressed": compressed}, indent=2))
PY
