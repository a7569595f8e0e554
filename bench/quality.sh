#!/usr/bin/env bash
# Quality on the public evaluation set, ours beside waifu2x's (upconv_7, CPU, no denoise):
#   bench/quality.sh [--model M ...]
# 1. `seranet eval` writes the low-resolution inputs of its protocol and scores bicubic,
#    Lanczos-3 and our model(s);
# 2. waifu2x upscales those same inputs;
# 3. `seranet eval --external waifu2x=...` scores everything together.
# Writes bench/results/quality.json and prints the table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/fetch-data.sh >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(--model seranet-fast-deep-rgb --model seranet-fast-deep --model seranet-fast --model seranet-fast-wide --model seranet-fast-d5)

./seranet eval --data data/eval "${models[@]}" --write-lr "$work/lr" --json >/dev/null
WAIFU2X_MODE=batch WAIFU2X_WARMUP=0 bench/waifu2x/upscale.sh "$work/lr" "$work/waifu2x" >/dev/null
./seranet eval --data data/eval "${models[@]}" --external "waifu2x=$work/waifu2x" --json > bench/results/quality.json
./seranet eval --data data/eval "${models[@]}" --external "waifu2x=$work/waifu2x"
echo "written: bench/results/quality.json"
