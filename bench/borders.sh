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
# real context is what no padding can beat. Scored by `seranet eval --external` (its Y-PSNR,
# BT.601 studio range): once over the crops, once over their inner rectangles cut 14 px in (the
# eval shaves 2 more); the ring's error is the whole's less the inner rectangle's, by area.
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

# The rectangle of a W x H picture inside the ring: what `seranet eval` then shaves 2 px from.
inner() { echo "crop=$(($1 - 2 * (ring - shave))):$(($2 - 2 * (ring - shave))):$((ring - shave)):$((ring - shave))"; }

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

for name in "${!crops[@]}"; do
  IFS=: read -r cw ch _ _ <<<"${crops[$name]}"
  mkdir -p "$work/crop-hr-inner"
  ffmpeg -nostdin -v error -y -i "$work/crop-hr/$name" -vf "$(inner "$cw" "$ch")" "$work/crop-hr-inner/$name"
done

scores=()
for model in "${models[@]}"; do
  # A model may be a name or a .srnv path; its folder here is named after the file (so two
  # files of one name in different folders need copies under different names).
  tag=$(basename "$model" .srnv)
  for kind in alone in-context; do mkdir -p "$work/$tag/$kind" "$work/$tag/$kind-inner"; done
  mkdir -p "$work/$tag/whole"
  for low in "$work"/whole-lr/*.png; do
    name=$(basename "$low")
    IFS=: read -r cw ch _ _ <<<"${crops[$name]}"
    upscale "$low" "$work/$tag/whole/$name" "$model"
    upscale "$work/crop-lr/$name" "$work/$tag/alone/$name" "$model"
    ffmpeg -nostdin -v error -y -i "$work/$tag/whole/$name" -vf "crop=${crops[$name]}" "$work/$tag/in-context/$name"
    for kind in alone in-context; do
      ffmpeg -nostdin -v error -y -i "$work/$tag/$kind/$name" -vf "$(inner "$cw" "$ch")" "$work/$tag/$kind-inner/$name"
    done
  done
  for part in "" -inner; do
    ./seranet eval --data "$work/crop-hr$part" --external "alone=$work/$tag/alone$part" \
      --external "in-context=$work/$tag/in-context$part" --json > "$work/$tag$part.json"
    scores+=("$tag$part=$work/$tag$part.json")
  done
done

for name in "${!crops[@]}"; do
  IFS=: read -r cw ch _ _ <<<"${crops[$name]}"
  echo "${name%.png} $cw $ch"
done > "$work/sizes.txt"

python3 - "$ring" "$shave" "$work/sizes.txt" "${scores[@]}" <<'PY'
import json, math, sys
ring, shave = int(sys.argv[1]), int(sys.argv[2])
sizes = {name: (int(w), int(h)) for name, w, h in (line.split() for line in open(sys.argv[3]))}
files = dict(arg.split("=", 1) for arg in sys.argv[4:])

def y_mse(path):
    """{(image, method): Y MSE} from one `seranet eval --json` run's Y-PSNR (peak 255)."""
    return {(s["image"], s["method"]): 255 ** 2 / 10 ** (s["y_psnr"] / 10) for s in json.load(open(path))["scores"]}

results = {}
for model in (key for key in files if not key.endswith("-inner")):
    whole, inner = y_mse(files[model]), y_mse(files[model + "-inner"])
    for image, (w, h) in sorted(sizes.items()):
        whole_area, inner_area = (w - 2 * shave) * (h - 2 * shave), (w - 2 * ring) * (h - 2 * ring)
        def ring_mse(method):
            return (whole[(image, method)] * whole_area - inner[(image, method)] * inner_area) / (whole_area - inner_area)
        a_r, c_r = ring_mse("alone"), ring_mse("in-context")
        a_w, c_w = whole[(image, "alone")], whole[(image, "in-context")]
        gain = 10 * math.log10(a_w / c_w)
        results.setdefault(model, []).append({
            "image": image, "ring_mse_padded": a_r, "ring_mse_real_context": c_r,
            "ring_error_ratio": a_r / c_r, "crop_mse_padded": a_w, "crop_mse_real_context": c_w,
            "crop_psnr_gain_with_real_context_db": gain})
        print(f"{model} {image:16} ring MSE padded {a_r:8.3f} real context {c_r:8.3f} ({a_r / c_r:.3f}x); whole crop +{gain:.4f} dB with real context")
for model, images in results.items():
    mean = sum(i["crop_psnr_gain_with_real_context_db"] for i in images) / len(images)
    print(f"{model}: mean over {len(images)} crops, +{mean:.4f} dB with real context at the edges")
json.dump({"protocol": "centre half of each public image's 2x downscale upscaled alone (edges padded) against the same region cut from the whole image's upscale; seranet eval's Y MSE in the ring 2-15 px from the crop's edge and over the crop (2 px shaved)",
           "models": results}, open("bench/results/borders.json", "w"), indent=2)
PY
echo "written: bench/results/borders.json"
