#!/usr/bin/env bash
# What a model loses at a picture's edges, where upscaling pads the input by repeating its edge
# pixels (the network never sees real context there):
#   bench/borders.sh [MODEL ...]      default: seranet-fast-nofusion-d8
# For each public image (data/eval), the eval's 2x downscale is made of the whole image, and its
# centre half is cut out and upscaled on its own, its edges padded; the same region is cut from
# the whole image's upscale, where it had real context all round. Both get the same input pixels,
# so they differ only by the padding. Both are scored against the
# original in the crop's ring (output pixels 2 to 15 from the edge) and whole (2 px shaved, as
# `seranet eval`). The whole-crop difference bounds what any better edge handling could gain:
# real context is what no padding can beat. Y is ffmpeg's BT.601 limited-range luma of the RGB
# outputs (its psnr filter, whose PSNR has six decimals where its MSE has two), the eval's Y to
# within rounding.
# Writes bench/results/borders.json and prints a line per model and image.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/fetch-data.sh >/dev/null
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(seranet-fast-nofusion-d8)
ring=16 shave=2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/whole-hr" "$work/crop-hr"

# seranet image, quiet unless it fails.
upscale() {
  ./seranet image "$1" -o "$2" --model "$3" >"$work/image.log" 2>&1 || { cat "$work/image.log" >&2; return 1; }
}

size() { ffprobe -v error -show_entries stream=width,height -of csv=p=0 "$1"; }

# Y mean squared error of A against B inside the rectangle W x H at X,Y, from the psnr filter's
# summary PSNR (MSE = 255^2 / 10^(PSNR/10)).
mse_y() {
  local a=$1 b=$2 w=$3 h=$4 x=$5 y=$6 psnr
  ffmpeg -nostdin -hide_banner -i "$a" -i "$b" -lavfi \
    "[0]format=rgb24,crop=$w:$h:$x:$y,format=yuv444p[a];[1]format=rgb24,crop=$w:$h:$x:$y,format=yuv444p[b];[a][b]psnr" \
    -f null - >"$work/psnr.log" 2>&1 || { cat "$work/psnr.log" >&2; return 1; }
  psnr=$(grep -o 'PSNR y:[0-9.]*' "$work/psnr.log" | cut -d: -f2)
  [ -n "$psnr" ] || { echo "no Y PSNR for $a against $b:" >&2; cat "$work/psnr.log" >&2; return 1; }
  awk -v p="$psnr" 'BEGIN { printf "%.9f\n", 255 * 255 / 10 ^ (p / 10) }'
}

# Ring and whole-crop MSE of OUT against REF (both the crop's size): "ring whole".
ring_and_whole() {
  local out=$1 ref=$2 wh w h inner whole
  wh=$(size "$ref"); w=${wh%,*}; h=${wh#*,}
  whole=$(mse_y "$out" "$ref" $((w - 2 * shave)) $((h - 2 * shave)) $shave $shave) || return 1
  inner=$(mse_y "$out" "$ref" $((w - 2 * ring)) $((h - 2 * ring)) $ring $ring) || return 1
  # The ring's error from the whole and the inner rectangle's, weighted by their areas.
  awk -v a=$(((w - 2 * shave) * (h - 2 * shave))) -v i=$(((w - 2 * ring) * (h - 2 * ring))) -v W="$whole" -v I="$inner" \
    'BEGIN { printf "%.9f %.9f\n", (W * a - I * i) / (a - i), W }'
}

declare -A crops
for original in data/eval/*.png; do
  name=$(basename "$original")
  wh=$(size "$original"); w=$(( ${wh%,*} / 2 * 2 )); h=$(( ${wh#*,} / 2 * 2 ))
  cw=$(( w / 4 * 2 )) ch=$(( h / 4 * 2 )) cx=$(( w / 8 * 2 )) cy=$(( h / 8 * 2 ))
  crops[$name]="$cw:$ch:$cx:$cy"
  ffmpeg -nostdin -v error -y -i "$original" -vf "crop=$w:$h:0:0" "$work/whole-hr/$name"
  ffmpeg -nostdin -v error -y -i "$original" -vf "crop=$cw:$ch:$cx:$cy" "$work/crop-hr/$name"
done
# The eval's own 2x downscale of the whole images; the crops' low resolution is cut from it.
./seranet eval --data "$work/whole-hr" --write-lr "$work/whole-lr" --json >/dev/null
mkdir -p "$work/crop-lr"
for name in "${!crops[@]}"; do
  IFS=: read -r cw ch cx cy <<<"${crops[$name]}"
  ffmpeg -nostdin -v error -y -i "$work/whole-lr/$name" -vf "crop=$((cw / 2)):$((ch / 2)):$((cx / 2)):$((cy / 2))" "$work/crop-lr/$name"
done

lines="$work/lines.txt"
: > "$lines"
for model in "${models[@]}"; do
  for low in "$work"/whole-lr/*.png; do
    name=$(basename "$low")
    # A model may be a name or a .srnv path; its folder here is named after the file (so two
    # files of one name in different folders need copies under different names).
    tag=$(basename "$model" .srnv)
    mkdir -p "$work/$tag/whole" "$work/$tag/alone" "$work/$tag/in-context"
    upscale "$low" "$work/$tag/whole/$name" "$model"
    upscale "$work/crop-lr/$name" "$work/$tag/alone/$name" "$model"
    ffmpeg -nostdin -v error -y -i "$work/$tag/whole/$name" -vf "crop=${crops[$name]}" "$work/$tag/in-context/$name"
    alone=$(ring_and_whole "$work/$tag/alone/$name" "$work/crop-hr/$name")
    context=$(ring_and_whole "$work/$tag/in-context/$name" "$work/crop-hr/$name")
    read -r alone_ring alone_whole <<<"$alone"
    read -r context_ring context_whole <<<"$context"
    echo "$tag ${name%.png} $alone_ring $context_ring $alone_whole $context_whole" >> "$lines"
  done
done

python3 - "$lines" <<'PY'
import json, math, sys
rows = [line.split() for line in open(sys.argv[1])]
results = {}
for model, image, alone_ring, context_ring, alone_whole, context_whole in rows:
    a_r, c_r, a_w, c_w = map(float, (alone_ring, context_ring, alone_whole, context_whole))
    gain = 10 * math.log10(a_w / c_w)
    results.setdefault(model, []).append({
        "image": image, "ring_mse_padded": a_r, "ring_mse_real_context": c_r,
        "ring_error_ratio": a_r / c_r, "crop_mse_padded": a_w, "crop_mse_real_context": c_w,
        "crop_psnr_gain_with_real_context_db": gain})
    print(f"{model} {image:16} ring MSE padded {a_r:8.3f} real context {c_r:8.3f} ({a_r / c_r:.3f}x); whole crop +{gain:.4f} dB with real context")
for model, images in results.items():
    mean = sum(i["crop_psnr_gain_with_real_context_db"] for i in images) / len(images)
    print(f"{model}: mean over {len(images)} crops, +{mean:.4f} dB with real context at the edges")
json.dump({"protocol": "centre half of each public image's 2x downscale upscaled alone (edges padded) against the same region cut from the whole image's upscale; Y MSE in the ring 2-15 px from the crop's edge and over the crop (2 px shaved)",
           "models": results}, open("bench/results/borders.json", "w"), indent=2)
PY
echo "written: bench/results/borders.json"
