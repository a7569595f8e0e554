#!/usr/bin/env bash
# A handful of small photos end to end: ours beside waifu2x-ncnn-vulkan (upconv_7, CPU mode, no
# denoise, one process over all images, as bench/speed.sh runs it), on the same six photos of
# the public set (data/eval) scaled down to about 96,000 pixels each (2.3 output megapixels in
# all), run side by side: each round runs both tools once, alternating which goes first, so
# background load on a shared machine hits both alike. Whole-process wall time, start-up
# included: what someone upscaling a few pictures waits for. The speed-up is the median of the
# rounds' own ratios (waifu2x over ours).
#   bench/small-photos.sh [ROUNDS] [-- EXTRA SERANET IMAGE OPTIONS]
# Also times one 128x128 photo alone (seranet image, the start-up cost a single picture pays).
# Writes bench/results/small-photos.json (a file named after the options when there are any).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-5}"
shift || true
[ "${1:-}" = "--" ] && shift
extra=("$@")
result=bench/results/small-photos.json
# Other options get a result of their own: small-photos-backend-onnxruntime-precision-int8.json.
if [ ${#extra[@]} -gt 0 ]; then
  result="bench/results/small-photos-$(printf '%s-' "${extra[@]}" | tr -cs 'a-z0-9' '-' | sed 's/^-*//; s/-*$//').json"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./seranet --version >/dev/null
bin="$(bench/waifu2x/fetch.sh)"
[ -d data/eval ] || scripts/fetch-data.sh >/dev/null

mkdir -p "$work/photos" "$work/one"
for f in data/eval/*.png; do
  # Area ~96,000 px, aspect kept, even sides.
  ffmpeg -nostdin -v error -i "$f" -vf "scale='2*trunc(sqrt(96000*iw/ih)/2)':'2*trunc(sqrt(96000*ih/iw)/2)':flags=area" "$work/photos/$(basename "$f")"
done
first="$(ls data/eval/*.png | head -1)"
ffmpeg -nostdin -v error -i "$first" -vf "crop='min(iw,ih)':'min(iw,ih)',scale=128:128:flags=area" "$work/one/photo.png"
out_px=$(for f in "$work"/photos/*.png; do ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0 "$f"; done \
  | awk -F, '{s += 4 * $1 * $2} END {print s}')
count=$(ls "$work"/photos/*.png | wc -l)

. "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
ours() { seconds ./seranet image "$work/photos" -o "$work/ours" --overwrite --json "${extra[@]}"; }
one() { seconds ./seranet image "$work/one/photo.png" -o "$work/one-out.png" --overwrite --json "${extra[@]}"; }
theirs() { WAIFU2X_MODE=batch WAIFU2X_WARMUP=0 WAIFU2X_MIN_PSNR=0 seconds bench/waifu2x/upscale.sh "$work/photos" "$work/w2x"; }

o=(); t=(); s=()
for ((r = 0; r < rounds; r++)); do
  if (( r % 2 == 0 )); then o+=("$(ours)"); t+=("$(theirs)"); else t+=("$(theirs)"); o+=("$(ours)"); fi
  s+=("$(one)")
  echo "round $((r + 1)): seranet ${o[-1]} s, waifu2x ${t[-1]} s, seranet on one 128x128 photo ${s[-1]} s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mo=$(median "${o[@]}"); mt=$(median "${t[@]}"); ms=$(median "${s[@]}")
# Each round's own ratio (the two runs of a round shared its load), then their median.
ratios=(); for ((r = 0; r < rounds; r++)); do ratios+=("$(awk -v a="${t[$r]}" -v b="${o[$r]}" 'BEGIN {print a / b}')"); done
mr=$(median "${ratios[@]}")
awk -v n="$count" -v px="$out_px" -v ours="$mo" -v theirs="$mt" -v one="$ms" -v rounds="$rounds" -v cores="$(nproc)" \
  -v load="$(cut -d' ' -f1 /proc/loadavg)" -v extra="${extra[*]}" -v ratio="$mr" -v each="${ratios[*]}" 'BEGIN {
  printf "{\n  \"photos\": %d,\n  \"output_megapixels\": %.4f,\n  \"rounds\": %d,\n  \"cores\": %d,\n  \"load_average_at_end\": %s,\n", n, px / 1e6, rounds, cores, load
  printf "  \"seranet_options\": \"%s\",\n", extra
  printf "  \"seranet_median_seconds\": %.3f,\n  \"waifu2x_median_seconds\": %.3f,\n  \"one_128px_photo_median_seconds\": %.3f,\n", ours, theirs, one
  gsub(/ /, ", ", each)
  printf "  \"speedup_per_round\": [%s],\n", each
  printf "  \"speedup\": %.2f\n}\n", ratio
}' | tee "$result"
