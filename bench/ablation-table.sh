#!/usr/bin/env bash
# Prints the README's ablation table from what bench/ablation.sh wrote (bench/results/ablation-*):
#   bench/ablation-table.sh [SEED...]     (default: every seed that has results)
# Per run: supervised steps, pre-training and total minutes (from its training log; the machine
# was shared, so minutes are indicative), validation PSNR at the pre-trained run's last step and
# at the end, and the public-set means.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/bench/results"
seeds=("$@")
if [ ${#seeds[@]} -eq 0 ]; then
  seeds=(1234)
  for f in ablation-fusion-crbm-seed*.json; do
    [ -e "$f" ] && { s="${f#ablation-fusion-crbm-seed}"; seeds+=("${s%.json}"); }
  done
fi
echo "| seed | run | supervised steps | pre-training (min) | run time (min) | validation PSNR at the pre-trained run's last step (dB) | validation PSNR at the end (dB) | public set Y-PSNR (dB) | public set SSIM |"
echo "|---|---|---|---|---|---|---|---|---|"
for seed in "${seeds[@]}"; do
  tag=""
  [ "$seed" = 1234 ] || tag="-seed$seed"
  base="$(tail -n 1 "ablation-fusion-crbm$tag-log.csv" | cut -d, -f2)"
  for run in fusion-crbm fusion nofusion; do
    name="ablation-$run$tag"
    [ -f "$name.json" ] || continue
    pretrain="-"
    [ "$run" = fusion-crbm ] && pretrain="$(tail -n 1 "ablation-pretrain-log$tag.csv" | cut -d, -f5)"
    last="$(tail -n 1 "$name-log.csv")"
    steps="$(cut -d, -f2 <<< "$last")"
    val="$(cut -d, -f5 <<< "$last")"
    minutes="$(cut -d, -f9 <<< "$last")"
    at_base="$(awk -F, -v s="$base" '$2 == s { print $5 }' "$name-log.csv")"
    read -r y ssim < <(jq -r '.means[] | select(.method != "bicubic" and .method != "lanczos3") | "\(.y_psnr) \(.ssim)"' "$name.json")
    printf '| %s | %s | %s | %s | %s | %.2f | %.2f | %.3f | %.4f |\n' "$seed" "$run" "$steps" "$pretrain" "$minutes" "$at_base" "$val" "$y" "$ssim"
  done
done
bicubic="$(jq -r '.means[] | select(.method == "bicubic") | .y_psnr' "ablation-fusion.json")"
printf '\nbicubic on the public set: %.3f dB\n' "$bicubic"
