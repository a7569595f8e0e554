#!/usr/bin/env bash
# The RGB model against the Y model of the same network (issue: "compare it with the Y model on
# Y-PSNR, RGB PSNR and speed"): public-set quality of both (`seranet eval`, deterministic), then
# speed side by side in alternating rounds, the model alone (`seranet bench`, 320x180 frames, 4 per
# batch) and end to end (`seranet image` over the 48 PNG frames of samples/city.mp4 that
# bench/speed.sh uses). Speed figures are medians of the rounds' own ratios, RGB over Y.
#   bench/rgb-vs-y.sh [ROUNDS] [RGB_MODEL] [Y_MODEL]
# Writes bench/results/rgb-vs-y.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}" rgb="${2:-seranet-fast-deep-rgb}" y="${3:-seranet-fast-deep}"
result=bench/results/rgb-vs-y.json
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./seranet --version >/dev/null
[ -d data/eval ] || scripts/fetch-data.sh >/dev/null
mkdir -p "$work/frames"
ffmpeg -nostdin -v error -i samples/city.mp4 -frames:v 48 "$work/frames/f%03d.png"

./seranet eval --data data/eval --model "$y" --json >"$work/eval-y.json"
./seranet eval --data data/eval --model "$rgb" --json >"$work/eval-rgb.json"

. "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
model_only() { ./seranet bench --model "$1" --size 320x180 --batch 4 --count 10 --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["output_megapixels_per_second"])'; }
end_to_end() { seconds ./seranet image "$work/frames" -o "$work/out-$1" --overwrite --model "$1" --json; }

rows=()
for ((r = 0; r < rounds; r++)); do
  if (( r % 2 == 0 )); then order=("$y" "$rgb"); else order=("$rgb" "$y"); fi
  declare -A mp=() wall=()
  for m in "${order[@]}"; do mp[$m]=$(model_only "$m"); done
  for m in "${order[@]}"; do wall[$m]=$(end_to_end "$m"); done
  echo "round $((r + 1)): model alone ${mp[$y]} vs ${mp[$rgb]} MP/s, image ${wall[$y]} vs ${wall[$rgb]} s (Y vs RGB)" >&2
  rows+=("${mp[$y]},${mp[$rgb]},${wall[$y]},${wall[$rgb]}")
done

python3 - "$work/eval-y.json" "$work/eval-rgb.json" "$(cut -d' ' -f1 /proc/loadavg)" "${rows[@]}" <<'PY' | tee "$result"
import json, statistics, sys
def mean_of(path):
    means = json.load(open(path))["means"]
    return next(m for m in means if m["method"] not in ("bicubic", "lanczos3"))
y, rgb = mean_of(sys.argv[1]), mean_of(sys.argv[2])
rounds = [[float(v) for v in row.split(",")] for row in sys.argv[4:]]
model_ratio = [b / a for a, b, _, _ in rounds]          # RGB MP/s over Y MP/s
wall_ratio = [c / d for _, _, c, d in rounds]           # Y seconds over RGB seconds: RGB's speed relative to Y
print(json.dumps({
    "y_model": y["method"], "rgb_model": rgb["method"], "rounds": len(rounds), "load_average_at_end": float(sys.argv[3]),
    "public_set": {
        y["method"]: {k: round(y[k], 4) for k in ("y_psnr", "rgb_psnr", "ssim")},
        rgb["method"]: {k: round(rgb[k], 4) for k in ("y_psnr", "rgb_psnr", "ssim")},
    },
    "model_only_output_mpix_per_s": {"y": [r[0] for r in rounds], "rgb": [r[1] for r in rounds]},
    "model_only_rgb_speed_vs_y": round(statistics.median(model_ratio), 3),
    "image_48_frames_seconds": {"y": [r[2] for r in rounds], "rgb": [r[3] for r in rounds]},
    "image_rgb_speed_vs_y": round(statistics.median(wall_ratio), 3),
}, indent=2))
PY
