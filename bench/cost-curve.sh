#!/usr/bin/env bash
# Quality against cost for every trained preset: public-set mean Y-PSNR (the protocol of
# bench/quality.sh), multiply-adds per input pixel (the model's own cost code) and end-to-end
# speed-up over waifu2x upconv_7 (the protocol of bench/speed.sh: the same 48 PNG frames of the
# sample clip, one process per tool, rounds in a rotating order, the median of each round's ratio).
#   bench/cost-curve.sh [ROUNDS]
# COST_CURVE_MODELS overrides the models timed every round (names, not paths; NAME-pruned is shipped model
# NAME through `seranet prune`); COST_CURVE_SLOW names models timed in one round only (seranet-v1 takes
# minutes per run). Writes bench/results/cost-curve.json and the
# plot bench/results/cost-curve.svg (PSNR against multiply-adds, waifu2x's models as lines).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/cost-curve.sh [ROUNDS >= 1]" >&2; exit 2; }
read -r -a models <<<"${COST_CURVE_MODELS:-seranet-fast seranet-fast-deep seranet-fast-deep-rgb seranet-fast-d5 seranet-fast-wide}"
read -r -a slow <<<"${COST_CURVE_SLOW-seranet-v1}"
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
./seranet eval --data data/eval "${model_args[@]}" --json > "$work/quality.json"
for m in "${all[@]}"; do
  ./seranet bench --model "${source[$m]}" --size 64x64 --count 1 --json > "$work/cost-$m.json"
done

mkdir -p "$work/frames"
ffmpeg -nostdin -v error -i samples/city.mp4 -frames:v 48 "$work/frames/f%03d.png"
. "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
run() {
  if [ "$1" = waifu2x ]; then
    WAIFU2X_MODE=batch WAIFU2X_WARMUP=0 WAIFU2X_MIN_PSNR=0 seconds bench/waifu2x/upscale.sh "$work/frames" "$work/w2x"
  else
    seconds ./seranet image "$work/frames" -o "$work/ours" --overwrite --json --model "${source[$1]}"
  fi
}

# The speed-up of a model timed in one round only is against that round's waifu2x time.
first_round_only=("${slow[@]}")
rotating_rounds "$rounds" run waifu2x "${models[@]}"

python3 - "$work" "${times[waifu2x]}" $(for m in "${all[@]}"; do printf '%s=%s ' "$m" "$(echo ${times[$m]} | tr ' ' ',')"; done) <<'PY'
import json, math, statistics, sys
work, theirs = sys.argv[1], [float(t) for t in sys.argv[2].split()]
quality = {m["method"]: m for m in json.load(open(f"{work}/quality.json"))["means"]}
points = []
for arg in sys.argv[3:]:
    name, _, values = arg.partition("=")
    times = [float(t) for t in values.split(",")]
    cost = json.load(open(f"{work}/cost-{name}.json"))["multiply_adds_per_pixel"]
    ratios = [w / o for w, o in zip(theirs, times)]
    points.append({
        "model": name, "multiply_adds_per_pixel": cost,
        "y_psnr": round(quality[name]["y_psnr"], 3), "rgb_psnr": round(quality[name]["rgb_psnr"], 3), "ssim": round(quality[name]["ssim"], 4),
        "median_seconds": round(statistics.median(times), 3),
        "speedup_per_round": [round(r, 3) for r in ratios], "speedup": round(statistics.median(ratios), 2),
    })
points.sort(key=lambda p: p["multiply_adds_per_pixel"])
# waifu2x's figures from bench/quality.sh (upconv_7, run here) and the issue's cunet (an AVX2 machine).
references = {"waifu2x upconv_7": 32.80, "waifu2x cunet (issue 15, AVX2 machine)": 33.43}
result = {"waifu2x_median_seconds": round(statistics.median(theirs), 3), "bicubic_y_psnr": round(quality["bicubic"]["y_psnr"], 3),
          "references_y_psnr": references, "models": points}
json.dump(result, open("bench/results/cost-curve.json", "w"), indent=2)

# The plot: log-scaled multiply-adds across, Y-PSNR up; each point labelled with its speed-up.
W, H, L, R, T, B = 900, 440, 70, 320, 30, 50
xs = [math.log10(p["multiply_adds_per_pixel"]) for p in points]
ys = [p["y_psnr"] for p in points] + list(references.values())
x0, x1 = math.floor(min(xs) * 4) / 4 - 0.1, math.ceil(max(xs) * 4) / 4 + 0.1
y0, y1 = math.floor(min(ys) * 4) / 4 - 0.1, math.ceil(max(ys) * 4) / 4 + 0.1
px = lambda v: L + (v - x0) / (x1 - x0) * (W - L - R)
py = lambda v: H - B - (v - y0) / (y1 - y0) * (H - T - B)
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{L}" y="18" font-size="14">Public-set mean Y-PSNR against model cost (bench/cost-curve.sh)</text>',
       f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/><line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
       f'<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">multiply-adds per input pixel (log scale)</text>',
       f'<text x="16" y="{(T + H - B) / 2}" transform="rotate(-90 16 {(T + H - B) / 2})" text-anchor="middle">mean Y-PSNR (dB)</text>']
for e in range(int(math.floor(x0)), int(math.ceil(x1)) + 1):
    for m in (1, 2, 5):
        v = math.log10(m * 10 ** e)
        if x0 <= v <= x1:
            label = f"{m * 10 ** e / 1000:g}k" if m * 10 ** e < 1e6 else f"{m * 10 ** e / 1e6:g}M"
            svg.append(f'<line x1="{px(v):.1f}" y1="{H - B}" x2="{px(v):.1f}" y2="{H - B + 5}" stroke="black"/><text x="{px(v):.1f}" y="{H - B + 18}" text-anchor="middle">{label}</text>')
y = math.ceil(y0 * 4) / 4
while y <= y1:
    svg.append(f'<line x1="{L - 5}" y1="{py(y):.1f}" x2="{L}" y2="{py(y):.1f}" stroke="black"/><text x="{L - 8}" y="{py(y) + 4:.1f}" text-anchor="end">{y:.2f}</text>')
    y += 0.25
for (name, value), colour in zip(references.items(), ("#888", "#c33")):
    svg.append(f'<line x1="{L}" y1="{py(value):.1f}" x2="{W - R}" y2="{py(value):.1f}" stroke="{colour}" stroke-dasharray="5,4"/>'
               f'<text x="{W - R + 6}" y="{py(value) + 4:.1f}" fill="{colour}">{name} {value:.2f}</text>')
for i, (p, x) in enumerate(zip(points, xs)):
    # Labels alternate above and below their points: the small presets sit close together.
    dy = -6 if i % 2 == 0 else 14
    svg.append(f'<circle cx="{px(x):.1f}" cy="{py(p["y_psnr"]):.1f}" r="4" fill="#1f5fbf"/>'
               f'<text x="{px(x) + 7:.1f}" y="{py(p["y_psnr"]) + dy:.1f}" font-size="11">{p["model"]} ({p["speedup"]:g}x waifu2x)</text>')
svg.append("</svg>")
open("bench/results/cost-curve.svg", "w").write("\n".join(svg))

print(f'{"model":<24}{"MAC/px":>10}{"Y-PSNR":>9}{"RGB PSNR":>10}{"SSIM":>8}{"x waifu2x":>11}')
for p in points:
    print(f'{p["model"]:<24}{p["multiply_adds_per_pixel"]:>10}{p["y_psnr"]:>9.2f}{p["rgb_psnr"]:>10.2f}{p["ssim"]:>8.4f}{p["speedup"]:>10.2f}x')
print("written: bench/results/cost-curve.json, bench/results/cost-curve.svg")
PY
