#!/usr/bin/env bash
# Quality against cost for every trained preset: public-set mean Y-PSNR (the protocol of
# bench/quality.sh), multiply-adds per input pixel (the model's own cost code) and end-to-end
# speed-up over waifu2x upconv_7 (the protocol of bench/speed.sh: the same 48 PNG frames of the
# sample clip, one process per tool, rounds in a rotating order, the median of each round's ratio).
#   bench/cost-curve.sh [ROUNDS]
# COST_CURVE_MODELS overrides the models timed every round (names, not paths; NAME-pruned is shipped model
# NAME through `seranet prune`); COST_CURVE_SLOW names models timed in one round only (seranet-v1 takes
# minutes per run); COST_CURVE_PRECISION runs every model in that precision (fp32 by default; bf16
# gives the same pictures on every CPU, and is fast only where it runs on bfloat16 kernels). Writes bench/results/cost-curve.json (or the file COST_CURVE_RESULT names, for a
# run over a few models that should not replace the full one) and the plot beside it, bench/results/cost-curve.svg (PSNR against multiply-adds, waifu2x's models as lines; bench/plot-cost-curve.py
# draws it from the JSON, so the plot can be redrawn without timing anything again).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/cost-curve.sh [ROUNDS >= 1]" >&2; exit 2; }
read -r -a models <<<"${COST_CURVE_MODELS:-seranet-fast seranet-fast-deep seranet-fast-deep-rgb seranet-fast-d5 seranet-fast-wide}"
read -r -a slow <<<"${COST_CURVE_SLOW-seranet-v1}"
result="${COST_CURVE_RESULT:-bench/results/cost-curve.json}"
precision="${COST_CURVE_PRECISION:-fp32}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scripts/fetch-data.sh >/dev/null
./seranet --version >/dev/null
bench/waifu2x/fetch.sh >/dev/null

all=("${models[@]}" "${slow[@]}")
# Where each model is read from: its name, or for NAME-pruned the file `seranet prune` writes.
declare -A source
for m in "${all[@]}"; do
  source[$m]="$m"
  if [[ "$m" == *-pruned ]] && ! ./seranet models --json | grep -q "\"$m\""; then
    ./seranet prune "${m%-pruned}" -o "$work/$m.srnv" --data data/eval >&2
    source[$m]="$work/$m.srnv"
  fi
done
model_args=()
for m in "${all[@]}"; do model_args+=(--model "${source[$m]}"); done
./seranet eval --data data/eval "${model_args[@]}" --precision "$precision" --json > "$work/quality.json"
for m in "${all[@]}"; do
  ./seranet bench --model "${source[$m]}" --size 64x64 --count 1 --precision "$precision" --json > "$work/cost-$m.json"
done

mkdir -p "$work/frames"
ffmpeg -nostdin -v error -i samples/city.mp4 -frames:v 48 "$work/frames/f%03d.png"
. "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
run() {
  if [ "$1" = waifu2x ]; then
    WAIFU2X_MODE=batch WAIFU2X_WARMUP=0 WAIFU2X_MIN_PSNR=0 seconds bench/waifu2x/upscale.sh "$work/frames" "$work/w2x"
  else
    seconds ./seranet image "$work/frames" -o "$work/ours" --overwrite --json --model "${source[$1]}" --precision "$precision"
  fi
}

# The speed-up of a model timed in one round only is against that round's waifu2x time.
first_round_only=("${slow[@]}")
rotating_rounds "$rounds" run waifu2x "${models[@]}"

python3 - "$result" "$work" "$precision" "${times[waifu2x]}" $(for m in "${all[@]}"; do printf '%s=%s=%s ' "$m" "${source[$m]}" "$(echo ${times[$m]} | tr ' ' ',')"; done) <<'PY'
import json, statistics, sys
result_path, work, precision, theirs = sys.argv[1], sys.argv[2], sys.argv[3], [float(t) for t in sys.argv[4].split()]
evaluation = json.load(open(f"{work}/quality.json"))
quality = {m["method"]: m for m in evaluation["means"]}
# seranet eval's column for each model as it was asked for (a name, or the file of NAME-pruned).
column = {run["model"]: run["method"] for run in evaluation["runs"]}
points = []
for arg in sys.argv[5:]:
    name, source, values = arg.split("=")
    times = [float(t) for t in values.split(",")]
    bench = json.load(open(f"{work}/cost-{name}.json"))
    cost = bench["multiply_adds_per_pixel"]
    label = column[source]
    ratios = [w / o for w, o in zip(theirs, times)]
    points.append({
        "model": name, "multiply_adds_per_pixel": cost,
        "y_psnr": round(quality[label]["y_psnr"], 3), "rgb_psnr": round(quality[label]["rgb_psnr"], 3), "ssim": round(quality[label]["ssim"], 4),
        "median_seconds": round(statistics.median(times), 3),
        "speedup_per_round": [round(r, 3) for r in ratios], "speedup": round(statistics.median(ratios), 2),
        "bf16_on_fp32_kernels": bench.get("bf16_on_fp32_kernels", False),
    })
points.sort(key=lambda p: p["multiply_adds_per_pixel"])
# waifu2x's figures from bench/quality.sh (upconv_7, run here) and the issue's cunet (an AVX2 machine).
references = {"waifu2x upconv_7": 32.80, "waifu2x cunet (issue 15, AVX2 machine)": 33.43}
result = {"precision": precision, "waifu2x_median_seconds": round(statistics.median(theirs), 3), "bicubic_y_psnr": round(quality["bicubic"]["y_psnr"], 3),
          "references_y_psnr": references, "models": points}
json.dump(result, open(result_path, "w"), indent=2)

print(f'{"model":<24}{"MAC/px":>10}{"Y-PSNR":>9}{"RGB PSNR":>10}{"SSIM":>8}{"x waifu2x":>11}')
for p in points:
    print(f'{p["model"]:<24}{p["multiply_adds_per_pixel"]:>10}{p["y_psnr"]:>9.2f}{p["rgb_psnr"]:>10.2f}{p["ssim"]:>8.4f}{p["speedup"]:>10.2f}x')
PY
bench/plot-cost-curve.py "$result" "${result%.json}.svg"
echo "written: $result, ${result%.json}.svg"
