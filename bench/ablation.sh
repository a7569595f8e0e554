#!/usr/bin/env bash
# CRBM pre-training and fusion ablation (README, "Ablations: CRBM pre-training and fusion"):
#   bench/ablation.sh [STEPS] [SEED]   (default 1000 supervised steps, seed 1234)
# Three runs of the ~37 k multiply-add Y network from the same seed, data and settings:
#   fusion-crbm   seranet-fast-deep with --pretrain crbm (300 CD-1 steps per sigmoid layer)
#   fusion        seranet-fast-deep from its plain initialisation
#   nofusion      seranet-fast-deep-nofusion: one wider Leaky ReLU path, same multiply-adds
# Equal training time on a shared, noisy machine is kept as an equal step budget: fusion-crbm
# runs STEPS supervised steps after pre-training; the other two get STEPS plus the steps its
# pre-training time was worth (pre-training minutes x fusion-crbm's first-epoch steps/s, both
# measured while it ran alone). Then each model is scored on the public set and the three
# validation curves go on one plot. Writes bench/results/ablation-*.json, ablation-*-log.csv,
# ablation-pretrain-log.csv and ablation-plot*.png; checkpoints stay in runs/ (git-ignored).
# At most two runs train at once (each holds the decoded photos, several GB): fusion starts once
# fusion-crbm's pre-training has been timed, nofusion once fusion-crbm has finished.
# SERANET overrides the tool (default ./seranet), e.g. a copy of the build that later builds
# cannot overwrite while the runs go on.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
steps="${1:-1000}"
seed="${2:-1234}"
# Runs and results of other seeds carry the seed in their names.
tag=""
[ "$seed" = 1234 ] || tag="-seed$seed"
pretrain_steps=300
read -r -a seranet <<< "${SERANET:-./seranet}"
common=(--color y --data data/train --batch-size 16 --patch 32 --epoch-steps 100 --seed "$seed" --skip-flat 0.8 --minutes 60)
results=bench/results
mkdir -p runs "$results"

train() { # NAME PRESET STEPS EXTRA...
  local name="$1$tag" preset="$2" n="$3"
  shift 3
  nice -n 10 "${seranet[@]}" train --preset "$preset" "${common[@]}" --steps "$n" \
    -o "runs/ablation-$name.srnv" --run "runs/ablation-$name" "$@" > "runs/ablation-$name.out" 2>&1
}

# Fresh runs: nothing of an earlier one may be mistaken for this one's logs.
rm -rf "runs/ablation-fusion-crbm$tag" "runs/ablation-fusion$tag" "runs/ablation-nofusion$tag" "runs/ablation-extra-steps$tag.txt" \
  "runs/ablation-fusion-crbm$tag.srnv" "runs/ablation-fusion$tag.srnv" "runs/ablation-nofusion$tag.srnv"
train fusion-crbm seranet-fast-deep "$steps" --pretrain crbm --pretrain-steps "$pretrain_steps" &
crbm=$!
# Wait for its first epoch after pre-training: that row's rate converts pre-training time into steps.
until [ -f runs/ablation-fusion-crbm$tag/training-log.csv ] && [ "$(wc -l < runs/ablation-fusion-crbm$tag/training-log.csv)" -ge 3 ]; do
  kill -0 "$crbm" 2>/dev/null || { echo "fusion-crbm stopped early; see runs/ablation-fusion-crbm$tag.out" >&2; exit 1; }
  sleep 10
done
pretrain_minutes="$(tail -n 1 runs/ablation-fusion-crbm$tag/pretrain-log.csv | cut -d, -f5)"
rate="$(sed -n 3p runs/ablation-fusion-crbm$tag/training-log.csv | cut -d, -f8)"
extra="$(awk -v m="$pretrain_minutes" -v r="$rate" 'BEGIN { printf "%d", m * 60 * r + 0.5 }')"
echo "pre-training took $pretrain_minutes min; at $rate steps/s that is $extra supervised steps" | tee runs/ablation-extra-steps$tag.txt

train fusion seranet-fast-deep "$((steps + extra))" &
fusion=$!
wait "$crbm"
train nofusion seranet-fast-deep-nofusion "$((steps + extra))" &
nofusion=$!
wait "$fusion"
wait "$nofusion"

for name in "fusion-crbm$tag" "fusion$tag" "nofusion$tag"; do
  nice -n 10 "${seranet[@]}" eval --data data/eval --model "runs/ablation-$name.srnv" --json > "$results/ablation-$name.json"
  cp "runs/ablation-$name/training-log.csv" "$results/ablation-$name-log.csv"
done
cp "runs/ablation-fusion-crbm$tag/pretrain-log.csv" "$results/ablation-pretrain-log$tag.csv"
cp "runs/ablation-extra-steps$tag.txt" "$results/ablation-extra-steps$tag.txt"
runs=(--run "fusion + CRBM pre-training=runs/ablation-fusion-crbm$tag" --run "fusion=runs/ablation-fusion$tag" --run "no fusion, same MACs=runs/ablation-nofusion$tag")
./seranet compare-runs -o "$results/ablation-plot$tag.png" --title "CRBM pre-training and fusion at seranet-fast-deep's cost (Y), seed $seed, by step" "${runs[@]}"
./seranet compare-runs -o "$results/ablation-plot-minutes$tag.png" --by minutes --title "CRBM pre-training and fusion at seranet-fast-deep's cost (Y), seed $seed, by wall time" "${runs[@]}"
bench/ablation-table.sh "$seed"
echo "written: $results/ablation-*.json, ablation-*-log.csv, ablation-plot*.png"
